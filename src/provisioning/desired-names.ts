/**
 * What provisioning owns in PingOne, derived from the prefix so that every object can be found
 * again by name (PingOne names are unique per environment) and torn down.
 */
export interface DesiredNames {
  applicationName: string;
  /** Also the `acr` of the ID token and the `acr_values` the relying party sends. */
  policyName: string;
  populationName: string;
  devicePolicyName: string;
  /** The transaction template variant (`pi.template.variant`). */
  templateVariant: string;
}

/**
 * Names for `prefix` (letters, digits, space, `_`, `.`, `-`). The policy name and the variant
 * carry no space: `acr_values` is a space-separated list.
 */
export function desiredNames(prefix: string): DesiredNames {
  const compact = prefix.trim().replace(/\s+/g, '_');
  return {
    applicationName: `${prefix} Transaction Approval`,
    policyName: `${compact}_SMS_Approval`,
    populationName: `${prefix} Demo Users`,
    devicePolicyName: `${prefix} SMS OTP`,
    templateVariant: `${compact.replace(/[^A-Za-z0-9_-]/g, '_')}_sms_approval`,
  };
}

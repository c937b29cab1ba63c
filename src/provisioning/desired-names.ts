// Every object is found again by name (unique per environment), so it can be reused and torn down.
// The policy name and the variant carry no space: `acr_values` is a space-separated list.
export function desiredNames(prefix: string) {
  const compact = prefix.trim().replace(/\s+/g, '_');
  return {
    applicationName: `${prefix} Transaction Approval`,
    policyName: `${compact}_SMS_Approval`,
    populationName: `${prefix} Demo Users`,
    devicePolicyName: `${prefix} SMS OTP`,
    templateVariant: `${compact.replace(/[^A-Za-z0-9_-]/g, '_')}_sms_approval`,
  };
}

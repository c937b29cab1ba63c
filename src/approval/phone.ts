import type { PingOneFlow } from '../pingone/flow.js';

/** Masks all but the last four digits: the page says where the code went, not the number. */
export function maskPhone(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return undefined;
  return `•••• ${digits.slice(-4)}`;
}

/** The number PingOne sent the code to: the selected device's, else the first with a phone. */
export function phoneOf(flow: PingOneFlow): string | undefined {
  return flow.selectedDevice?.phone ?? flow._embedded?.devices?.find((d) => d.phone)?.phone;
}

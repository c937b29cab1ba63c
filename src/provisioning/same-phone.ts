/** Digits only, for comparing phone numbers PingOne may reformat (`+1.512…`, `+1 (512)…`). */
export function phoneDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

export function samePhone(devicePhone: string | undefined, phone: string): boolean {
  if (!devicePhone) return false;
  if (devicePhone.includes('*'))
    return phoneDigits(devicePhone).slice(-4) === phoneDigits(phone).slice(-4);
  return phoneDigits(devicePhone) === phoneDigits(phone);
}

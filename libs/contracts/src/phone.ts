/** A mainland mobile (11 digits starting with 1) or a landline with its area code, dash optional. */
export const PHONE_PATTERN = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

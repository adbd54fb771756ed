/** What the access log records (seed 003 art. 29.7; seed 004 art. 12): one kind per row. */
export const ACCESS_KINDS = [
  'login',
  'login_failed',
  'logout',
  'password_change',
  'lookup',
  'search',
  'export',
  'submit',
  'action',
  'audit',
  'admin',
  'admin_read',
  /** A payment gateway's, the post's or the SMS gateway's call to the service: its signature's verdict and outcome in `what`. */
  'callback',
] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

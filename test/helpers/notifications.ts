/** Notification settings for tests: the worker loop off (tests run passes by hand). */
export const notificationSettings = (overrides: Record<string, number> = {}) => ({
  delay_seconds: 30,
  coalesce_seconds: 300,
  max_attempts: 3,
  retry_base_seconds: 1,
  poll_ms: 0,
  claim_seconds: 60,
  ...overrides
})

"""Security baseline: login throttling, TOTP second factor, security headers and CSP."""

"""The hasher of the initial passwords of bulk-opened staff accounts.

Those passwords are random (12 characters of a 31-letter alphabet, ~59 bits), shown once to the admin and must be
changed at the first login — Django then rehashes with the preferred hasher. Hashing 17,000 of them with the
login hasher (Argon2 / PBKDF2 at 10⁶ iterations) would take hours; for a random one-time secret a short PBKDF2 is
as safe as a long one is for a chosen password."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "jishi_initial"
    iterations = 2000

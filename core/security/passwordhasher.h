#pragma once

#include "core/common/result.h"

#include <QString>

// Password hashing with scrypt through OpenSSL 3's EVP_KDF (DESIGN.md §5).
//
// Stored form, self-describing so the cost can be raised later (see needsRehash):
//
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
//
// salt and hash in standard base64 without '=' padding; 16-byte salt, 32-byte hash, e.g.
// "$scrypt$ln=17,r=8,p=1$3q2+7w...$Nf8...". Passwords are NFC-normalised and UTF-8 encoded
// before hashing, so the same password typed on different keyboards matches.
//
// All functions are thread-safe. One hash with the default parameters takes about 128 MiB of
// memory and a few hundred milliseconds of one core: call them off the GUI/event thread.
namespace Boxoffice::Core {

struct PasswordHashParams
{
    int logN = 17; // N = 2^logN; 1..24 accepted
    int r = 8;     // 1..32
    int p = 1;     // 1..16

    friend bool operator==(const PasswordHashParams &, const PasswordHashParams &) = default;
};

// A stored hash of `password` with a fresh random salt. BadRequest for an empty password or
// parameters outside the accepted ranges (or needing more than 1 GiB); Internal if OpenSSL fails.
[[nodiscard]] Result<QString> hashPassword(const QString &password, PasswordHashParams params = {});

// True if `password` matches `stored`. False, never a crash or a huge allocation, for a
// malformed stored string or one with parameters outside the accepted ranges. The hashes are
// compared in constant time.
[[nodiscard]] bool verifyPassword(const QString &password, const QString &stored);

// True if `stored` should be replaced by a new hash after the next successful login: it is
// malformed, or was made with other parameters than `current` or another salt size.
[[nodiscard]] bool needsRehash(const QString &stored, PasswordHashParams current = {});

} // namespace Boxoffice::Core

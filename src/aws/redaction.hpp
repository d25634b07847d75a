// Secrets never reach any output. Every credential source registers what it
// obtains here; everything printed passes through redact().
#pragma once

#include <string>

namespace aws {

// An access key id keeps its first 4 characters ("AKIA…"); anything else
// (secret keys, session and web identity tokens, authorization tokens) is
// replaced whole. Strings shorter than 4 characters are ignored: too short to
// be a secret and too likely to match ordinary text.
void register_access_key(const std::string& access_key_id);
void register_secret(const std::string& secret);

std::string redact(std::string text);

}  // namespace aws

// Exit codes a script can trust (README, "Exit codes").
#pragma once

namespace cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
// A stop asked for by a signal exits 128 + the signal's number, as shells do.
inline constexpr int kExitSignalBase = 128;

}  // namespace cli

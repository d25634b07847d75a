// "Did you mean": the known name a mistyped one is closest to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cli {

// The entry of `known` nearest to `name`: within kMaxSuggestDistance edits
// (insert, delete, replace one character), or one that `name` begins (so a
// cut-short name still finds its key). The fewest edits win, then the earlier
// entry. Empty when nothing is close, or `name` is empty.
std::string nearest(std::string_view name, const std::vector<std::string>& known);

// Farther than this, a suggestion guesses more than it helps.
inline constexpr std::size_t kMaxSuggestDistance = 2;

}  // namespace cli

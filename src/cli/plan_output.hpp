// The plan for people (text) and for machines (JSON), both on stdout.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "retention/plan.hpp"

namespace cli {

// 1536 -> "1.5 KiB"; exact bytes stay in the JSON.
std::string human_bytes(std::uint64_t bytes);
// 9000 -> "9,000"
std::string thousands(std::uint64_t value);
// Control characters in a name would garble a terminal; show them as \xNN.
std::string printable(const std::string& text);

// "1 object", "9,000 objects": a count and the word that agrees with it.
std::string counted(std::uint64_t count, std::string_view one, std::string_view many);

// Terminal columns of UTF-8 text, as wcwidth(3) counts them in C.UTF-8: East
// Asian wide characters take two, combining marks none, an invalid byte one
// (one per code point where the C.UTF-8 locale is missing).
std::size_t display_width(const std::string& text);
// Text padded with spaces to a width in columns; never cut.
std::string pad_right(const std::string& text, std::size_t width);
// Text wider than width columns, cut in the middle with "…" (U+2026): at most
// width columns (one fewer only when a wide character would straddle the
// limit), never splitting a UTF-8 sequence or a character from its combining
// marks. Text that fits is returned as it is.
std::string shorten_middle(const std::string& text, std::size_t width);

// Where the text table cuts a deployment name; the JSON keeps it whole.
inline constexpr std::size_t kMaxNameColumns = 60;

void print_plan_text(std::ostream& out, const retention::Plan& plan);

// One root of a run over several: its URL, its plan (none when it failed
// before one was made) and whether it failed.
struct RunSummaryLine {
    std::string url;
    const retention::Plan* plan = nullptr;
    bool failed = false;
};
// "Run: 4 targets, 1 failed; keep 8, delete 12 deployments (48 objects, 4.8 KiB)"
void print_run_summary(std::ostream& out, const std::vector<RunSummaryLine>& lines);
nlohmann::ordered_json plan_to_json(const retention::Plan& plan, bool dry_run);

}  // namespace cli

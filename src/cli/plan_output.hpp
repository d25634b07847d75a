// The plan for people (text) and for machines (JSON), both on stdout.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "retention/plan.hpp"

namespace cli {

// 1536 -> "1.5 KiB"; exact bytes stay in the JSON.
std::string human_bytes(std::uint64_t bytes);
// 9000 -> "9,000"
std::string thousands(std::uint64_t value);
// Control characters in a name would garble a terminal; show them as \xNN.
std::string printable(const std::string& text);

// Terminal columns of UTF-8 text, and text padded to a width in columns.
std::size_t display_width(const std::string& text);
std::string pad_right(const std::string& text, std::size_t width);

void print_plan_text(std::ostream& out, const retention::Plan& plan);
nlohmann::ordered_json plan_to_json(const retention::Plan& plan, bool dry_run);

}  // namespace cli

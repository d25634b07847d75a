// The INI dialect of ~/.aws/config and ~/.aws/credentials.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace aws {

// section name -> key -> value. Keys are lower-cased; values trimmed.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

struct IniParseError {
    std::string message;  // names the line
};

// Throws IniParseError on a line that is neither a section, a key = value, a
// comment nor a continuation of a nested block (the `s3 =` sub-section).
IniSections parse_ini(std::string_view text, const std::string& source_name);

// Reads and parses a file. A missing file is no error: it gives nullopt.
// An unreadable or malformed one throws IniParseError.
std::optional<IniSections> read_ini_file(const std::string& path);

}  // namespace aws

#include "aws/ini_file.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aws {

namespace {

std::string_view trim(std::string_view text) {
    const char* space = " \t\r\n";
    auto begin = text.find_first_not_of(space);
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(space);
    return text.substr(begin, end - begin + 1);
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

IniSections parse_ini(std::string_view text, const std::string& source_name) {
    IniSections sections;
    std::string current;
    bool in_section = false;
    std::string nested_parent;  // key whose value is an indented sub-block
    int line_number = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view raw = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const bool indented = raw.front() == ' ' || raw.front() == '\t';
        auto fail = [&](const std::string& why) {
            throw IniParseError{source_name + ":" + std::to_string(line_number) + ": " + why};
        };
        if (line.front() == '[') {
            // "[default]  # main account": a comment may follow the header, as the
            // AWS CLI's parser allows.
            auto close = line.find(']');
            if (close == std::string_view::npos) fail("section header without closing ']'");
            std::string_view after = trim(line.substr(close + 1));
            if (!after.empty() && after.front() != '#' && after.front() != ';') {
                fail("unexpected text after section header");
            }
            current = std::string(trim(line.substr(1, close - 1)));
            if (current.empty()) fail("empty section name");
            sections[current];
            in_section = true;
            nested_parent.clear();
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos) fail("expected 'key = value' or '[section]'");
        if (!in_section) fail("'key = value' before any [section]");
        std::string key = lower(trim(line.substr(0, eq)));
        std::string value(trim(line.substr(eq + 1)));
        if (key.empty()) fail("empty key");
        if (indented && !nested_parent.empty()) {
            // `s3 =` followed by indented lines: keep as "s3.addressing_style".
            sections[current][nested_parent + "." + key] = value;
            continue;
        }
        nested_parent = value.empty() ? key : std::string();
        sections[current][key] = value;
    }
    return sections;
}

std::optional<IniSections> read_ini_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        throw IniParseError{path + ": " + std::strerror(errno)};
    }
    if (S_ISDIR(info.st_mode)) throw IniParseError{path + ": is a directory"};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IniParseError{path + ": cannot be read"};
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) throw IniParseError{path + ": read error"};
    return parse_ini(content.str(), path);
}

}  // namespace aws

#include "aws/url_encoding.hpp"

#include <algorithm>

namespace aws {

namespace {

bool is_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Where decoding has to start: the first '%' (or '+'), or the end.
std::size_t first_special(std::string_view text, bool plus_is_space) {
    const std::size_t percent = text.find('%');
    const std::size_t plus = plus_is_space ? text.find('+') : std::string_view::npos;
    return std::min({percent, plus, text.size()});
}

// Writes the decoded text over the encoded one. Most keys hold nothing to
// decode: they are only scanned.
std::size_t decode_in_place(std::span<char> text, bool plus_is_space) {
    const std::size_t size = text.size();
    std::size_t in = first_special(std::string_view(text.data(), size), plus_is_space);
    std::size_t out = in;
    for (; in < size; ++in) {
        const char c = text[in];
        if (c == '%' && in + 2 < size) {
            const int hi = hex_value(text[in + 1]);
            const int lo = hex_value(text[in + 2]);
            if (hi >= 0 && lo >= 0) {
                text[out++] = static_cast<char>(hi * 16 + lo);
                in += 2;
                continue;
            }
        }
        text[out++] = plus_is_space && c == '+' ? ' ' : c;
    }
    return out;
}

std::string decode(std::string_view text, bool plus_is_space) {
    std::string out(text);
    out.resize(decode_in_place(out, plus_is_space));
    return out;
}

}  // namespace

std::string uri_encode(std::string_view raw, bool encode_slash) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (const char c : raw) {
        if (is_unreserved(c) || (c == '/' && !encode_slash)) {
            out.push_back(c);
        } else {
            const auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kDigits[b >> 4]);
            out.push_back(kDigits[b & 0x0F]);
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += uri_encode(name, true);
        out += '=';
        out += uri_encode(value, true);
    }
    return out;
}

std::string percent_decode(std::string_view text) { return decode(text, false); }

std::string form_decode(std::string_view text) { return decode(text, true); }

std::size_t form_decode_in_place(std::span<char> text) { return decode_in_place(text, true); }

}  // namespace aws

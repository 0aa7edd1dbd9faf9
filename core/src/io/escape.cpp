// Escaping for the formats cgp writes: gnuplot, DOT, CSV, JSON and shell words.
#include <cgp/io/escape.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace cgp {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned min = 0;
    unsigned code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, code = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > text.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return n;
}

bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

// Walks the text as UTF-8 and returns open + the escaped text + close: each character of more than
// one byte is kept, each ASCII byte goes to `ascii` and each invalid byte to `invalid`, which both
// return what to write for it.
template <class Ascii, class Invalid>
std::string escaped(std::string_view text, std::string_view open, std::string_view close, Ascii ascii, Invalid invalid)
{
    std::string out(open);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_length(text, i);
        const auto c = static_cast<unsigned char>(text[i]);
        if (n == 0)
            out += invalid(c);
        else if (n == 1)
            out += ascii(c);
        else
            out.append(text.substr(i, n));
        i += n == 0 ? 1 : n;
    }
    return out.append(close);
}

std::string as_is(unsigned char c)
{
    return std::string(1, static_cast<char>(c));
}

std::string replaced(unsigned char)
{
    return std::string(kReplacement);
}

std::string backslashed(unsigned char c)
{
    return {'\\', static_cast<char>(c)};
}

} // namespace

std::string valid_utf8(std::string_view text)
{
    return escaped(text, "", "", as_is, replaced);
}

std::string gnuplot_string(std::string_view text)
{
    // gnuplot reads an octal escape with strtol, so every octal digit after the backslash belongs to
    // it ("\0122" is 'R'): a digit 0-7 right after an octal escape is written as an octal escape too.
    bool after_octal = false;
    const auto octal = [&](unsigned char c) {
        after_octal = true;
        return fmt::format("\\{:03o}", c);
    };
    return escaped(
        text, "\"", "\"",
        [&](unsigned char c) {
            const bool digit_after_octal = after_octal && c >= '0' && c <= '7';
            after_octal = false;
            if (c == '"' || c == '\\')
                return backslashed(c);
            return is_control(c) || c == '`' || c == '@' || digit_after_octal ? octal(c) : as_is(c);
        },
        octal);
}

std::string dot_string(std::string_view text)
{
    return escaped(
        text, "\"", "\"",
        [](unsigned char c) {
            if (c == '\n')
                return std::string("\\n");
            if (c == '"' || c == '\\')
                return backslashed(c);
            return is_control(c) ? replaced(c) : as_is(c);
        },
        replaced);
}

std::string csv_field(std::string_view text)
{
    std::string clean = escaped(
        text, "", "", [](unsigned char c) { return is_control(c) && c != '\n' && c != '\r' ? replaced(c) : as_is(c); },
        replaced);
    if (!clean.empty() && std::string_view("=+-@").find(clean.front()) != std::string_view::npos)
        clean.insert(0, "'");
    const bool quote = clean.find_first_of(",\"\r\n") != std::string::npos ||
                       (!clean.empty() && (clean.front() == ' ' || clean.back() == ' '));
    if (!quote)
        return clean;
    return escaped(
        clean, "\"", "\"", [](unsigned char c) { return c == '"' ? std::string("\"\"") : as_is(c); }, as_is);
}

std::string json_text(const nlohmann::json& value, int indent)
{
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_text(const nlohmann::ordered_json& value, int indent)
{
    return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string shell_quote(std::string_view word)
{
    const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                               "0123456789_-./=:,+@%") == std::string_view::npos;
    if (plain)
        return std::string(word);
    const bool printable = std::string_view(valid_utf8(word)) == word &&
                           std::none_of(word.begin(), word.end(), [](char c) { return is_control(c); });
    if (printable)
        return escaped(
            word, "'", "'", [](unsigned char c) { return c == '\'' ? std::string("'\\''") : as_is(c); }, as_is);
    const auto hex = [](unsigned char c) { return fmt::format("\\x{:02x}", c); };
    return escaped(
        word, "$'", "'",
        [&](unsigned char c) {
            if (c == '\'' || c == '\\')
                return backslashed(c);
            return is_control(c) ? hex(c) : as_is(c);
        },
        hex);
}

} // namespace cgp

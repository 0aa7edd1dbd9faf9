// A JSON document parsed, with nlohmann's syntax errors turned into file:line:column errors.
#include <cgp/io/error.hpp>
#include <cgp/training/json_document.hpp>

#include <algorithm>

namespace cgp {

nlohmann::json parse_json_document(const std::string& text, const std::string& origin, const std::string& hint)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based: the position of the character that failed.
        const std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
        const std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
        const std::size_t begin = line_start == std::string::npos || at == 0 ? 0 : line_start + 1;
        const int line =
            1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(begin), '\n'));
        const std::size_t end = text.find('\n', begin);
        std::string msg = e.what();
        if (const auto p = msg.find("syntax error"); p != std::string::npos)
            msg = msg.substr(p);
        throw SourceError(origin, {line, static_cast<int>(at - begin) + 1},
                          text.substr(begin, end == std::string::npos ? std::string::npos : end - begin),
                          "not valid JSON: " + msg, hint);
    }
}

} // namespace cgp

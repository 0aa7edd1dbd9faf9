// Formatting of SourceError messages: location, quoted source line, caret, hint.
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace cgp {
namespace {

std::string format_source_error(const std::string& origin, SourcePos pos, const std::string& source_line,
                                const std::string& message, const std::string& hint)
{
    std::string out = pos.line > 0 ? fmt::format("{}:{}:{}: error: {}", origin, pos.line, pos.column, message)
                                   : fmt::format("{}: error: {}", origin, message);
    if (pos.line > 0 && !source_line.empty()) {
        // Tabs are kept in the caret line so the caret lines up under the column.
        const std::size_t width = std::min(static_cast<std::size_t>(pos.column - 1), source_line.size());
        std::string caret(width, ' ');
        for (std::size_t i = 0; i < width; ++i)
            if (source_line[i] == '\t')
                caret[i] = '\t';
        out += fmt::format("\n  {}\n  {}^", source_line, caret);
    }
    if (!hint.empty())
        out += fmt::format("\nhint: {}", hint);
    return out;
}

} // namespace

SourceError::SourceError(const std::string& origin, SourcePos pos, const std::string& source_line,
                         const std::string& message, const std::string& hint)
    : Error(format_source_error(origin, pos, source_line, message, hint)), origin_(origin), pos_(pos), message_(message)
{
}

} // namespace cgp

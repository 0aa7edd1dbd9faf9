// cgp/io/error.hpp: the exceptions the core throws for bad input, each carrying one complete message.
//
// Messages follow one shape: what failed, where, and what to try ("hint: ..."). Programs print
// what() and exit non-zero; nothing else is needed to explain the failure to a user.
#pragma once

#include <stdexcept>
#include <string>

namespace cgp {

// Any user-facing failure: bad option, unreadable file, invalid plugin, non-finite training.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// A position in a text the user wrote (1-based line and column).
struct SourcePos {
    int line = 0;
    int column = 0;
};

// An error at a position in a source text (model file, --expr, CSV file). what() reads
//   file:line:column: error: message
//     <the source line>
//     <caret under the column>
//   hint: ...
class SourceError : public Error {
public:
    SourceError(const std::string& origin, SourcePos pos, const std::string& source_line, const std::string& message,
                const std::string& hint = {});
    const std::string& origin() const noexcept { return origin_; }
    SourcePos pos() const noexcept { return pos_; }
    const std::string& message() const noexcept { return message_; }

private:
    std::string origin_;
    SourcePos pos_;
    std::string message_;
};

} // namespace cgp

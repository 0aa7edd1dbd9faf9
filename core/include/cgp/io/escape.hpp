// cgp/io/escape.hpp: the one function per format through which every text cgp writes into a file
// or command another program interprets (gnuplot, Graphviz DOT, CSV, JSON, a POSIX shell) passes.
//
// Texts come from users and from the files they name: model file names, titles, setting values.
// Each function returns a literal of its format that the reading program takes as data, whatever
// the bytes (newlines, quotes, control characters, invalid UTF-8): no text can end a comment, a
// string or a line early, or become a command.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace cgp {

// A gnuplot double-quoted string, e.g. "loss of \"a\"", exact for every byte: quotes and
// backslashes escaped, control characters, backquotes (command substitution in gnuplot's
// double-quoted strings), '@' and bytes that are not UTF-8 as octal escapes (\012). Safe in a
// comment too: it holds no line break and does not end with a backslash.
std::string gnuplot_string(std::string_view text);

// A Graphviz DOT double-quoted string: quotes and backslashes escaped, a line break as DOT's \n,
// other control characters and bytes that are not UTF-8 replaced by U+FFFD (DOT has no byte escape).
std::string dot_string(std::string_view text);

// A CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space, quotes
// doubled; control characters other than line breaks and bytes that are not UTF-8 replaced by
// U+FFFD; a text a spreadsheet would run as a formula (starting with = + - @) prefixed with '.
// For text fields only: numbers are written as they are.
std::string csv_field(std::string_view text);

// A JSON document, with invalid UTF-8 replaced by U+FFFD instead of throwing (control characters
// and quotes are escaped by the library). indent < 0: one line.
std::string json_text(const nlohmann::json& value, int indent);
std::string json_text(const nlohmann::ordered_json& value, int indent);

// A word for a POSIX shell, for commands printed for the user to paste: as it is when it needs no
// quoting, 'single-quoted' otherwise, and $'...' with \xHH escapes when it holds control characters
// or bytes that are not UTF-8 (so the printed command shows no raw control character).
std::string shell_quote(std::string_view word);

// The text with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

} // namespace cgp

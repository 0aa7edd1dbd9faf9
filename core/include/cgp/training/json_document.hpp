// cgp/training/json_document.hpp: a JSON file's text parsed, its syntax errors reported at
// file:line:column with the line and a caret (the saved models of --saved-model, --init-params).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cgp {

// Parses `text`, read from `origin`; throws SourceError at the failing character, with `hint`.
nlohmann::json parse_json_document(const std::string& text, const std::string& origin, const std::string& hint);

} // namespace cgp

// Self-contained HTML pages (`decree run|diff|explore|report --format html`): one file with the
// playground's stylesheet and view modules inlined and the command's JSON embedded, no network.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace decree::web {

// `view`: "run" (decree.trace/1), "diff" (decree.diff/1), "explore" (decree.explore/1) or
// "report" (the report's JSON). The JSON goes in <script type="application/json" id="decree-data">.
std::string html_page(const std::string& view, const nlohmann::ordered_json& data, const std::string& title);

// `s` with & < > " written as entities, for text and attribute values in HTML and SVG.
std::string escape_html(std::string_view s);

// The view modules as one script: each module's imports dropped and exports made plain
// declarations, in dependency order (the modules import only one another).
std::string bundled_views();

}  // namespace decree::web

#include "web/html.hpp"

#include <sstream>

#include "web/assets.hpp"

namespace decree::web {

namespace {


std::string asset_text(std::string_view name) {
  const Asset* a = find_asset(name);
  return a == nullptr ? std::string() : std::string(a->data);
}

// The view modules, leaves first. Each imports only modules listed before it.
constexpr std::string_view kViewModules[] = {"dom.js", "trace.js", "diff.js", "explore.js", "static.js"};

}  // namespace

std::string bundled_views() {
  std::string out;
  for (auto name : kViewModules) {
    std::istringstream in(asset_text(name));
    out += "// ---- " + std::string(name) + "\n";
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("import ", 0) == 0) continue;
      if (line.rfind("export ", 0) == 0) line.erase(0, 7);
      out += line;
      out += '\n';
    }
  }
  return out;
}

std::string html_page(const std::string& view, const nlohmann::ordered_json& data, const std::string& title) {
  // '<' only ever appears inside JSON strings, where \u003c means the same: no "</script>" can end the block.
  std::string json;
  for (char c : data.dump()) {
    if (c == '<') json += "\\u003c";
    else json += c;
  }
  std::string script = bundled_views();
  // The same for the script: a "</script" in a string would close the element.
  for (std::size_t at = 0; (at = script.find("</script", at)) != std::string::npos;) script.replace(at, 2, "<\\/");
  std::string out;
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"decree\">\n";
  out += "<title>" + escape_html(title) + "</title>\n<style>\n" + asset_text("style.css") + "</style>\n</head>\n";
  out += "<body class=\"static\">\n";
  out += "<header class=\"bar\"><h1>" + escape_html(title) + "</h1>"
         "<div class=\"tools\"><button type=\"button\" id=\"large-type\" aria-pressed=\"false\">Large type</button>"
         "<button type=\"button\" id=\"theme\" aria-pressed=\"false\">Dark</button></div></header>\n";
  out += "<main id=\"view\" data-view=\"" + escape_html(view) + "\"></main>\n";
  out += "<script type=\"application/json\" id=\"decree-data\">" + json + "</script>\n";
  out += "<script type=\"module\">\n" + script + "</script>\n</body>\n</html>\n";
  return out;
}

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace decree::web

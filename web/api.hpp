// The playground's JSON API: each request a JSON document in, a JSON document out, every answer
// from the engine (its JSON renderers: the trace, why-not, diff, explore). No HTTP here, so the
// API is tested without a server; web/server.cpp puts it under /api/.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "web/workspace.hpp"

namespace decree::web {

struct ApiResponse {
  int status = 200;
  nlohmann::ordered_json body;
};

// A refusal: `{"error": message, "hint": hint or null}` with the HTTP status.
ApiResponse api_error(int status, std::string message, std::string hint = {});

class Api {
 public:
  explicit Api(const Workspace& workspace) : ws_(workspace) {}

  // `endpoint` is the part after /api/ ("evaluate"); `body` the request's JSON text ("" for GET).
  // Bad requests are answered with {"error": ..., "hint": ...} and a 4xx status, never thrown.
  ApiResponse handle(const std::string& endpoint, const std::string& body) const;

  ApiResponse policies() const;
  ApiResponse policy_text(const nlohmann::json& request) const;
  ApiResponse check(const nlohmann::json& request) const;
  ApiResponse facts(const nlohmann::json& request) const;
  ApiResponse evaluate(const nlohmann::json& request) const;
  ApiResponse why_not(const nlohmann::json& request) const;
  ApiResponse diff(const nlohmann::json& request) const;
  ApiResponse explore(const nlohmann::json& request) const;
  ApiResponse graph(const nlohmann::json& request) const;

 private:
  const Workspace& ws_;
};

// Diagnostics as JSON for the editor: severity, code, file, line, column, length, message, hint, notes.
nlohmann::ordered_json diagnostics_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace decree::web

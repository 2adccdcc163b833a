#include "web/server.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include "web/api.hpp"
#include "web/assets.hpp"

namespace decree::web {

namespace {

namespace fs = std::filesystem;

void send_json(httplib::Response& res, const ApiResponse& r) {
  res.status = r.status;
  res.set_content(r.body.dump(), "application/json; charset=utf-8");
}

bool loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Writes `text` to `dir/name.decree` through a temporary file and a rename, so a reader never
// sees half a file.
ApiResponse save(const std::string& dir, const nlohmann::json& request, const Workspace& ws) {
  auto name = request.value("name", std::string());
  static const std::regex valid("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(name, valid))
    return {400, {{"error", "name the saved policy with lowercase letters, digits, `-` and `_` (at most 64)"}, {"hint", nullptr}}};
  auto policy = request.find("policy");
  if (policy == request.end() || !policy->is_object() || !policy->contains("text") || !(*policy)["text"].is_string())
    return {400, {{"error", "the request holds no policy text to save"}, {"hint", nullptr}}};
  const std::string text = (*policy)["text"];
  if (text.size() > ws.limits().max_policy_bytes)
    return {413, {{"error", fmt::format("the policy is larger than {} bytes", ws.limits().max_policy_bytes)}, {"hint", nullptr}}};
  const fs::path target = fs::path(dir) / (name + ".decree");
  const fs::path temp = fs::path(dir) / ("." + name + ".decree.tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) return {500, {{"error", fmt::format("cannot write {}", temp.string())}, {"hint", nullptr}}};
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) return {500, {{"error", fmt::format("cannot write {}: {}", target.string(), ec.message())}, {"hint", nullptr}}};
  return {200, {{"saved", target.string()}}};
}

}  // namespace

int serve(const ServeOptions& options) {
  std::vector<std::string> warnings;
  Workspace ws(options.roots, options.limits, warnings);
  for (const auto& w : warnings) fmt::print(stderr, "decree serve: note: {}\n", w);
  if (ws.policy_paths().empty()) {
    fmt::print(stderr, "decree serve: error: no policy (.decree) found in {}\n", fmt::join(options.roots, ", "));
    return 2;
  }
  if (!options.save_dir.empty() && !fs::is_directory(options.save_dir)) {
    fmt::print(stderr, "decree serve: error: --save-dir {} is not a folder\n", options.save_dir);
    return 2;
  }
  Api api(ws);
  httplib::Server server;
  server.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(options.limits.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"Content-Security-Policy",
                               "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'"}});

  auto serve_asset = [](const std::string& name, httplib::Response& res) {
    const Asset* a = find_asset(name);
    if (a == nullptr) {
      res.status = 404;
      res.set_content(fmt::format("no such file: {}\n", name), "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->data), std::string(a->mime).c_str());
  };
  server.Get("/", [&](const httplib::Request&, httplib::Response& res) { serve_asset("index.html", res); });
  server.Get(R"(/assets/(.+))", [&](const httplib::Request& req, httplib::Response& res) {
    serve_asset(req.matches[1].str(), res);
  });
  server.Get(R"(/api/([a-z-]+))", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string endpoint = req.matches[1].str();
    if (endpoint != "policies") {
      send_json(res, {405, {{"error", fmt::format("/api/{} takes a POST with a JSON body", endpoint)}, {"hint", nullptr}}});
      return;
    }
    send_json(res, api.handle(endpoint, ""));
  });
  server.Post(R"(/api/([a-z-]+))", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string endpoint = req.matches[1].str();
    if (endpoint == "save") {
      if (options.save_dir.empty()) {
        send_json(res, {403,
                        {{"error", "this server does not save policies"},
                         {"hint", "the teacher can start it with --save-dir FOLDER; the share link keeps your text"}}});
        return;
      }
      auto request = nlohmann::json::parse(req.body, nullptr, false);
      if (request.is_discarded() || !request.is_object()) {
        send_json(res, {400, {{"error", "the request is not a JSON object"}, {"hint", nullptr}}});
        return;
      }
      send_json(res, save(options.save_dir, request, ws));
      return;
    }
    send_json(res, api.handle(endpoint, req.body));
  });
  // httplib refuses bodies over the limit before a handler runs; say so in JSON.
  server.set_error_handler([&](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 413
                              ? fmt::format("the request is larger than {} bytes, the server's limit", options.limits.max_body_bytes)
                              : fmt::format("HTTP {}", res.status);
    res.set_content(nlohmann::json{{"error", message}, {"hint", nullptr}}.dump(), "application/json; charset=utf-8");
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) {
      fmt::print(stderr, "decree serve: error: cannot listen on {}\n", options.host);
      return 2;
    }
  } else if (!server.bind_to_port(options.host, port)) {
    fmt::print(stderr, "decree serve: error: cannot listen on {}:{} (is the port in use?)\n", options.host, port);
    return 2;
  }
  const std::string shown = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  fmt::print("decree serve: {} policies, {} case files, {} populations\n", ws.policy_paths().size(), ws.case_files().size(),
             ws.populations().size());
  if (!loopback(options.host))
    fmt::print(
        "decree serve: listening on {} port {}: the playground is reachable from the network, by anyone who can "
        "reach this machine\n",
        shown, port);
  fmt::print("decree serve: edited policies are {}\n",
             options.save_dir.empty() ? "kept in memory only, never written" : "saved on request to " + options.save_dir);
  fmt::print("decree serve: the playground is at http://{}:{}/ (Ctrl-C stops it)\n",
             loopback(options.host) ? shown : "127.0.0.1", port);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 2;
}

}  // namespace decree::web

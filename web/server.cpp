#include "web/server.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include "web/api.hpp"
#include "web/assets.hpp"
#include "web/save.hpp"

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

// The served files as last read, shared by the requests: each request works on the snapshot it
// took, and a save (or a file found changed on disk when the page opens it) puts a new one in
// place, read again from the folders.
class Snapshots {
 public:
  explicit Snapshots(const ServeOptions& options) : options_(options) {
    std::vector<std::string> warnings;
    current_ = std::make_shared<const Workspace>(options.roots, options.limits, warnings);
    for (const auto& w : warnings) fmt::print(stderr, "decree serve: note: {}\n", w);
  }

  std::shared_ptr<const Workspace> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }

  // Reads the folders again (the caller holds `writing()`).
  std::shared_ptr<const Workspace> reread() {
    std::vector<std::string> warnings;
    auto fresh = std::make_shared<const Workspace>(options_.roots, options_.limits, warnings);
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = fresh;
    return fresh;
  }

  // A served policy whose file no longer holds the text served is read again with the rest.
  std::shared_ptr<const Workspace> fresh_for(const std::string& path) {
    auto ws = get();
    const std::string* served = ws->text(path);
    if (served == nullptr) return ws;
    std::ifstream in(path, std::ios::binary);
    std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || on_disk == *served) return ws;
    std::lock_guard<std::mutex> lock(writing_);
    return reread();
  }

  std::mutex& writing() { return writing_; }

 private:
  const ServeOptions& options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Workspace> current_;
  std::mutex writing_;  // one save (or re-read) at a time: a save checks the disk, then writes
};

}  // namespace

int serve(const ServeOptions& options) {
  Snapshots snapshots(options);
  std::size_t policies = 0, case_files = 0, populations = 0;
  {
    auto ws = snapshots.get();
    policies = ws->policy_paths().size();
    case_files = ws->case_files().size();
    populations = ws->populations().size();
  }
  std::string read_only = options.read_only;
  if (read_only.empty() && !options.write) read_only = "this program was built without a way to write files";
  if (read_only.empty() && !loopback(options.host))
    read_only = fmt::format(
        "it is reachable from the network (--host {}), and does not let the page overwrite its files; the teacher can "
        "give --save-dir FOLDER for copies",
        options.host);
  if (policies == 0) {
    fmt::print(stderr, "decree serve: error: no policy (.decree) found in {}\n", fmt::join(options.roots, ", "));
    return 2;
  }
  if (!options.save_dir.empty() && !fs::is_directory(options.save_dir)) {
    fmt::print(stderr, "decree serve: error: --save-dir {} is not a folder\n", options.save_dir);
    return 2;
  }
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
    auto now = snapshots.get();
    ApiResponse r = Api(*now).handle(endpoint, "");
    if (r.status == 200) r.body["save"] = save_status(*now, read_only);
    send_json(res, r);
  });
  server.Post(R"(/api/([a-z-]+))", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string endpoint = req.matches[1].str();
    if (endpoint == "save") {
      auto request = nlohmann::json::parse(req.body, nullptr, false);
      if (request.is_discarded() || !request.is_object()) {
        send_json(res, {400, {{"error", "the request is not a JSON object"}, {"hint", nullptr}}});
        return;
      }
      if (request.contains("name")) {  // a copy under a new name, into --save-dir
        if (options.save_dir.empty()) {
          send_json(res, {403,
                          {{"error", "this server does not save copies under a new name"},
                           {"hint", "the teacher can start it with --save-dir FOLDER; the share link keeps your text"}}});
          return;
        }
        send_json(res, save(options.save_dir, request, *snapshots.get()));
        return;
      }
      std::lock_guard<std::mutex> lock(snapshots.writing());
      ApiResponse r = save_to_served(*snapshots.get(), request, read_only, options.write);
      if (r.status == 200) {
        snapshots.reread();
        fmt::print("decree serve: saved {} ({} bytes)\n", r.body["saved"].get<std::string>(), r.body["bytes"].get<std::size_t>());
        std::fflush(stdout);
      }
      send_json(res, r);
      return;
    }
    if (endpoint == "policy") {  // the page opens a file: as it is on disk now
      auto request = nlohmann::json::parse(req.body, nullptr, false);
      if (request.is_object() && request.contains("path") && request["path"].is_string()) {
        send_json(res, Api(*snapshots.fresh_for(request["path"].get<std::string>())).handle(endpoint, req.body));
        return;
      }
    }
    send_json(res, Api(*snapshots.get()).handle(endpoint, req.body));
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
  fmt::print("decree serve: {} policies, {} case files, {} populations\n", policies, case_files, populations);
  if (!loopback(options.host))
    fmt::print(
        "decree serve: listening on {} port {}: the playground is reachable from the network, by anyone who can "
        "reach this machine\n",
        shown, port);
  if (read_only.empty())
    fmt::print("decree serve: the page saves an edited policy over the file it came from (Save, Ctrl-S)\n");
  else
    fmt::print("decree serve: read-only: the page does not write the served files ({})\n", read_only);
  if (!options.save_dir.empty()) fmt::print("decree serve: copies under a new name are saved on request to {}\n", options.save_dir);
  fmt::print("decree serve: the playground is at http://{}:{}/ (Ctrl-C stops it)\n",
             loopback(options.host) ? shown : "127.0.0.1", port);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 2;
}

}  // namespace decree::web

// `decree serve [FOLDER...]`: the playground in a browser. Serves the policies, case files and
// populations of the folders (default: the project's policies/ and scenarios/) with a JSON API
// on the engine; listens on 127.0.0.1 unless --host says otherwise. The page saves an edited
// policy over its served file unless the server is read-only.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/atomic_write.hpp"
#include "cli/commands.hpp"
#include "cli/installed/search_path.hpp"
#include "web/server.hpp"

namespace decree::cli {

namespace {

int run_serve(web::ServeOptions options) {
  if (options.roots.empty()) {
    for (const char* folder : {"policies", "scenarios"})
      if (std::filesystem::is_directory(folder)) options.roots.push_back(folder);
  }
  // Elsewhere, the first folder of the search path that holds them (DECREE_PATH, then the share
  // folder installed with decree), as names on the command line are found.
  for (const auto& root : search_roots()) {
    if (!options.roots.empty()) break;
    for (const char* folder : {"policies", "scenarios"})
      if (std::filesystem::is_directory(root.dir / folder)) options.roots.push_back((root.dir / folder).string());
    // The shipped examples are everyone's: the page does not write them, and says how to work on a copy.
    if (!options.roots.empty() && options.read_only.empty())
      options.read_only = fmt::format(
          "it serves the examples found on the search path ({}: {}); copy them to a folder of your own and run `decree "
          "serve FOLDER` to save there",
          root.dir.string(), root.origin);
  }
  if (options.roots.empty()) {
    fmt::print(stderr,
               "decree serve: error: there is no policies/ or scenarios/ folder here, nor on the search path "
               "(DECREE_PATH, the folder installed with decree); name the folder to serve (`decree serve FOLDER`)\n");
    return kExitBadInput;
  }
  options.write = [](const std::string& path, std::string_view text) { return write_atomically(path, text, "serve"); };
  return web::serve(options);
}

}  // namespace

Subcommand add_serve(CLI::App& root) {
  auto options = std::make_shared<web::ServeOptions>();
  CLI::App* app = root.add_subcommand("serve", "Open the playground: edit policies, run cases, compare, explore, in a browser");
  app->add_option("folders", options->roots,
                  "Folders (or files) whose policies, case files and populations to serve (default: policies/ and "
                  "scenarios/ here)");
  app->add_option("--host", options->host, "Address to listen on (default 127.0.0.1; 0.0.0.0 for a classroom network)");
  app->add_option("--port", options->port, "Port (default 8080; 0 picks a free one, printed)")->check(CLI::Range(0, 65535));
  app->add_flag_function(
      "--read-only",
      [options](std::int64_t) { options->read_only = "it was started with --read-only"; },
      "Never write the served files: the page offers a download instead of Save");
  app->add_option("--save-dir", options->save_dir,
                  "Let the page save copies of edited policies under a new name into this folder");
  app->add_option("--max-population", options->limits.max_population, "Cases a population compared in the page may have")
      ->capture_default_str();
  app->add_option("--max-space", options->limits.max_space, "Combinations one explore table may need")->capture_default_str();
  app->add_option("--time-limit", options->limits.max_seconds, "Seconds a comparison over a population may take")
      ->capture_default_str();
  app->footer(
      "The page shows what the engine says, through a JSON API under /api/ (docs in web/README.md).\n"
      "Save (or Ctrl-S) in the page writes the edited policy over the served file it came from, whole or not\n"
      "at all, and only when the file has not changed on disk since the page loaded it. The served files are\n"
      "never written with --read-only, when listening beyond loopback (--host), or when they are the examples\n"
      "found on the search path; the page then offers a download. An edited policy's `extends` reaches only\n"
      "the served policies. Requests, policies, populations and explored spaces have limits, each refused with\n"
      "a message.\n"
      "Exit status: 2 when it cannot start (no policy found, port in use).");
  return {app, [options] { return run_serve(*options); }};
}

}  // namespace decree::cli

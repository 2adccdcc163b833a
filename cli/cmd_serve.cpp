// `decree serve [FOLDER...]`: the playground in a browser. Serves the policies, case files and
// populations of the folders (default: the project's policies/ and scenarios/) with a JSON API
// on the engine; listens on 127.0.0.1 unless --host says otherwise.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

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
  }
  if (options.roots.empty()) {
    fmt::print(stderr,
               "decree serve: error: there is no policies/ or scenarios/ folder here, nor on the search path "
               "(DECREE_PATH, the folder installed with decree); name the folder to serve (`decree serve FOLDER`)\n");
    return kExitBadInput;
  }
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
  app->add_option("--save-dir", options->save_dir,
                  "Let the page save edited policies into this folder (otherwise they are never written)");
  app->add_option("--max-population", options->limits.max_population, "Cases a population compared in the page may have")
      ->capture_default_str();
  app->add_option("--max-space", options->limits.max_space, "Combinations one explore table may need")->capture_default_str();
  app->add_option("--time-limit", options->limits.max_seconds, "Seconds a comparison over a population may take")
      ->capture_default_str();
  app->footer(
      "The page shows what the engine says, through a JSON API under /api/ (docs in web/README.md).\n"
      "Edited policies live in the page and the server's memory; their `extends` reaches only the served\n"
      "policies. Requests, policies, populations and explored spaces have limits, each refused with a message.\n"
      "Exit status: 2 when it cannot start (no policy found, port in use).");
  return {app, [options] { return run_serve(*options); }};
}

}  // namespace decree::cli

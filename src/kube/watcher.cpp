#include "kube/watcher.hpp"

#include <deque>

namespace kube {
namespace watcher {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

Step relist() {
  return Step{State{}, {DoList{""}}};
}

}  // namespace

Step start() {
  return relist();
}

Step next(const State& s, const Input& input, const WatcherConfig& config) {
  using Phase = State::Phase;
  return std::visit(
      Overloaded{
          [&](const ListPage& page) -> Step {
            if (s.phase != Phase::Listing) return Step{s, {}};
            State n = s;
            n.failures = 0;
            n.listed.insert(n.listed.end(), page.items.begin(), page.items.end());
            if (!page.continueToken.empty()) {
              n.continueToken = page.continueToken;
              return Step{std::move(n), {DoList{page.continueToken}}};
            }
            Apply restarted{Apply::Kind::Restarted, {}, std::move(n.listed)};
            State w;
            w.phase = Phase::Watching;
            w.resourceVersion = page.resourceVersion;
            return Step{std::move(w), {std::move(restarted), DoWatch{page.resourceVersion}}};
          },
          [&](const WatchEvent& e) -> Step {
            if (s.phase != Phase::Watching) return Step{s, {}};
            if (e.type == "ERROR") return next(s, classifyErrorEvent(e.object), config);
            State n = s;
            std::string rv = resourceVersionOf(e.object);
            if (!rv.empty()) n.resourceVersion = rv;
            n.failures = 0;
            n.idleStreams = 0;
            if (e.type == "BOOKMARK") return Step{std::move(n), {}};
            Apply::Kind kind = e.type == "ADDED"      ? Apply::Kind::Added
                               : e.type == "DELETED"  ? Apply::Kind::Deleted
                               : e.type == "MODIFIED" ? Apply::Kind::Modified
                                                      : Apply::Kind::Modified;
            if (e.type != "ADDED" && e.type != "MODIFIED" && e.type != "DELETED") return Step{s, {}};
            return Step{std::move(n), {Apply{kind, e.object, {}}}};
          },
          [&](const StreamEnded&) -> Step {
            if (s.phase != Phase::Watching) return Step{s, {}};
            State n = s;
            n.idleStreams = s.idleStreams + 1;
            if (n.idleStreams < 2) return Step{std::move(n), {DoWatch{s.resourceVersion}}};
            core::Millis d = core::backoffDelay(config.backoff, n.idleStreams - 1);
            return Step{std::move(n), {Backoff{d}, DoWatch{s.resourceVersion}}};
          },
          [&](const ErrorGone&) -> Step { return relist(); },
          [&](const Error&) -> Step {
            State n = s;
            n.failures = s.failures + 1;
            const Backoff wait{core::backoffDelay(config.backoff, n.failures)};
            if (s.phase == Phase::Watching && n.failures >= config.relistAfterWatchFailures) {
              // Resuming keeps failing: start over from a list, still backing off, so the
              // failures go on counting if the list fails too.
              State listing;
              listing.failures = n.failures;
              return Step{std::move(listing), {wait, DoList{""}}};
            }
            Effect retry = s.phase == Phase::Listing ? Effect{DoList{s.continueToken}} : Effect{DoWatch{s.resourceVersion}};
            return Step{std::move(n), {wait, std::move(retry)}};
          },
      },
      input);
}

Input classifyErrorEvent(const nlohmann::json& status) {
  ApiError e = fromStatus(status, 500);
  if (e.code == 410) return ErrorGone{};
  return Error{e.toError().describe()};
}

}  // namespace watcher

void runWatcher(Client& client, const ResourceType& type, const std::string& ns, Store& store,
                const std::function<void(const Key&)>& onChange, std::stop_token stop,
                const WatcherOptions& options) {
  using namespace watcher;
  Step first = start();
  State state = std::move(first.state);
  std::deque<Effect> queue(first.effects.begin(), first.effects.end());
  auto feed = [&](const Input& in) {
    Step s = next(state, in, options.config);
    state = std::move(s.state);
    for (auto& e : s.effects) queue.push_back(std::move(e));
  };
  auto report = [&](const std::string& what) {
    if (options.onError) options.onError(what);
  };
  auto apply = [&](const Apply& a) {
    switch (a.kind) {
      case Apply::Kind::Added:
      case Apply::Kind::Modified:
        if (auto k = store.upsert(a.object)) onChange(*k);
        break;
      case Apply::Kind::Deleted:
        if (auto k = store.erase(a.object)) onChange(*k);
        break;
      case Apply::Kind::Restarted:
        for (const Key& k : store.replaceAll(a.objects)) onChange(k);
        break;
    }
  };
  const std::string where = type.plural + (ns.empty() ? "" : " in " + ns);

  while (!stop.stop_requested()) {
    if (queue.empty()) feed(StreamEnded{});  // cannot happen by construction; never spin idle
    if (queue.empty()) queue.push_back(DoList{""});
    Effect effect = std::move(queue.front());
    queue.pop_front();
    std::visit(Overloaded{
                   [&](const Apply& a) { apply(a); },
                   [&](const Backoff& b) {
                     const core::Millis delay = options.jitter ? core::jittered(b.delay, options.jitter()) : b.delay;
                     client.clock().sleepFor(delay, stop);
                   },
                   [&](const DoList& l) {
                     ListParams p;
                     p.labelSelector = options.labelSelector;
                     p.fieldSelector = options.fieldSelector;
                     p.limit = options.config.pageSize;
                     p.continueToken = l.continueToken;
                     auto r = client.call(request::list(type, ns, p), CallOptions{std::nullopt, 1});
                     if (!r) {
                       report("list " + where + ": " + r.error().toError().describe());
                       if (r.error().isGone()) return feed(ErrorGone{});
                       return feed(Error{r.error().toError().describe()});
                     }
                     ListPage page;
                     auto& body = *r;
                     if (auto items = body.find("items"); items != body.end() && items->is_array()) {
                       page.items.reserve(items->size());
                       for (auto& item : *items) page.items.push_back(store.trimmed(std::move(item)));
                     }
                     if (auto m = body.find("metadata"); m != body.end() && m->is_object()) {
                       page.continueToken = m->value("continue", "");
                       page.resourceVersion = m->value("resourceVersion", "");
                     }
                     feed(page);
                   },
                   [&](const DoWatch& w) {
                     WatchParams p;
                     p.labelSelector = options.labelSelector;
                     p.fieldSelector = options.fieldSelector;
                     p.resourceVersion = w.resourceVersion;
                     p.timeoutSeconds = options.config.watchTimeoutSeconds;
                     bool interrupted = false;
                     auto r = client.watch(
                         request::watch(type, ns, p),
                         [&](const nlohmann::json& event) {
                           feed(WatchEvent{event.value("type", ""), event.contains("object") ? event["object"] : nlohmann::json()});
                           while (!queue.empty() && std::holds_alternative<Apply>(queue.front())) {
                             Apply a = std::get<Apply>(std::move(queue.front()));
                             queue.pop_front();
                             apply(a);
                           }
                           // Anything else (a re-list after an ERROR event) ends this stream.
                           if (!queue.empty()) interrupted = true;
                           return !interrupted && !stop.stop_requested();
                         },
                         stop);
                     if (interrupted || stop.stop_requested()) return;
                     if (!r) {
                       report("watch " + where + ": " + r.error().toError().describe());
                       if (r.error().isGone()) return feed(ErrorGone{});
                       return feed(Error{r.error().toError().describe()});
                     }
                     feed(StreamEnded{});
                   },
               },
               effect);
  }
}

}  // namespace kube

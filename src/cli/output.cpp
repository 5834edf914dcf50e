#include "cli/output.hpp"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/summary.hpp"

namespace cli {

namespace {

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string withSemicolon(const std::string& statement) {
  if (!statement.empty() && statement.back() == ';') return statement;
  return statement + ";";
}

// Indents continuation lines of multi-line statements so the listing stays readable.
std::string indented(const std::string& text, const std::string& indent) {
  std::string out = indent;
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') out += indent;
  }
  return out;
}

// The plan and drift the document is judged by: for apply, what remains after it.
const schema::Plan& shownPlan(const DocumentResult& r) {
  return r.command == Command::Apply ? r.report.remaining : r.report.plan;
}

struct Counts {
  long long total = 0;
  long long destructive = 0;
  long long blocked = 0;
  long long approved = 0;  // destructive ones the document's annotation would let run
};

Counts count(const DocumentResult& r) {
  const schema::Plan& p = shownPlan(r);
  Counts c;
  c.total = static_cast<long long>(p.drift.size());
  for (const auto& ch : p.drift) {
    if (ch.safety == schema::Safety::Destructive) {
      ++c.destructive;
      if (r.allowDestructive || r.resource.approval.allows(ch.kind, p.hash)) ++c.approved;
    } else if (ch.safety == schema::Safety::Blocked) {
      ++c.blocked;
    }
  }
  return c;
}

void listDrift(std::ostringstream& out, const std::vector<schema::Change>& drift) {
  size_t objectWidth = 0, kindWidth = 0;
  for (const auto& ch : drift) {
    objectWidth = std::max(objectWidth, ch.object.size());
    kindWidth = std::max(kindWidth, schema::toString(ch.kind).size());
  }
  for (const auto& ch : drift) {
    const std::string kind(schema::toString(ch.kind));
    out << "  " << ch.object << std::string(objectWidth - ch.object.size() + 2, ' ') << kind
        << std::string(kindWidth - kind.size() + 2, ' ') << schema::toString(ch.safety);
    if (ch.safety == schema::Safety::Blocked && !ch.reason.empty()) out << ": " << ch.reason;
    out << "\n";
  }
}

void listPlan(std::ostringstream& out, const schema::Plan& plan) {
  const auto statements = plan.statements();
  if (statements.empty()) return;
  out << "Plan " << plan.hash << " (" << plural(static_cast<long long>(statements.size()), "statement", "statements");
  if (plan.destructive > 0) out << ", " << plural(plan.destructive, "destructive step", "destructive steps");
  out << "):\n";
  for (const auto& s : statements) out << indented(withSemicolon(s), "  ") << "\n";
}

// The "Not managed" section: objects of the schema that the resource does not manage, which no
// plan touches (docs/unmanaged.md).
void listUnmanaged(std::ostringstream& out, const std::vector<schema::UnmanagedObject>& objects) {
  if (objects.empty()) return;
  out << "Not managed (" << objects.size() << ", never changed):\n";
  size_t kindWidth = 0;
  for (const auto& o : objects) kindWidth = std::max(kindWidth, o.kind.size());
  for (const auto& o : objects) out << "  " << o.kind << std::string(kindWidth - o.kind.size() + 2, ' ') << o.name << "\n";
}

std::string notManaged(size_t n) { return plural(static_cast<long long>(n), "object", "objects") + " not managed"; }

}  // namespace

std::string summaryLine(const DocumentResult& r) {
  const Counts c = count(r);
  std::string line = r.resource.name + ": ";
  if (r.report.failure) {
    line += r.report.failure->object.empty() ? "apply failed; " : "apply failed at " + r.report.failure->object + "; ";
  }
  const size_t unmanaged = r.report.unmanaged.size();
  if (r.report.refusedUnmanaged) {
    line += "refused (strict): " + notManaged(unmanaged);
    if (c.total > 0) line += "; " + plural(c.total, "change", "changes") + " pending, nothing applied";
    return line;
  }
  if (c.total == 0) return line + "in sync" + (unmanaged > 0 ? " (" + notManaged(unmanaged) + ")" : "");

  line += plural(c.total, "change", "changes") + " pending";
  std::vector<std::string> notes;
  if (c.destructive > 0) {
    std::string note = std::to_string(c.destructive) + " destructive";
    // After apply, an approved change still pending did not run (a step before it failed).
    if (!r.planOnly) note += c.approved == c.destructive ? ", approved" : ", awaiting approval";
    notes.push_back(note);
  }
  if (c.blocked > 0) notes.push_back(std::to_string(c.blocked) + " blocked");
  if (r.planOnly) notes.push_back("mode: Plan, nothing applied");
  if (unmanaged > 0) notes.push_back(notManaged(unmanaged));
  if (!notes.empty()) {
    line += " (";
    for (size_t i = 0; i < notes.size(); ++i) line += (i ? "; " : "") + notes[i];
    line += ")";
  }
  return line;
}

namespace {

// What an apply did: the statements that ran, the one that failed, and the drift left.
void listApplied(std::ostringstream& out, const DocumentResult& r) {
  if (!r.report.applied.empty()) {
    long long n = 0;
    for (const auto& s : r.report.applied) n += static_cast<long long>(s.statements.size());
    out << "Applied (" << plural(n, "statement", "statements") << "):\n";
    for (const auto& step : r.report.applied)
      for (const auto& s : step.statements) out << indented(withSemicolon(s), "  ") << "\n";
  } else if (!r.report.plan.drift.empty()) {
    out << "Applied nothing.\n";
  }
  if (r.report.failure && r.report.failure->statement.empty()) {
    out << "Failed after applying:\n  " << r.report.failure->message << "\n";
  } else if (r.report.failure) {
    out << "Failed at " << r.report.failure->object << ":\n"
        << indented(withSemicolon(r.report.failure->statement), "  ") << "\n"
        << "  " << r.report.failure->message << "\n";
  }
  const schema::Plan& after = r.report.remaining;
  if (!after.drift.empty()) {
    out << "Still pending (" << after.drift.size() << "):\n";
    listDrift(out, after.drift);
    listPlan(out, after);
  }
}

}  // namespace

std::string renderText(const DocumentResult& r) {
  std::ostringstream out;
  out << r.resource.name;
  if (!r.resource.ns.empty()) out << " (namespace " << r.resource.ns << ")";
  out << ": PostgreSQL " << r.report.serverVersion << ", schema " << r.resource.model.schema << "\n";

  const schema::Plan& before = r.report.plan;
  if (before.drift.empty()) {
    out << "No drift.\n";
  } else {
    out << "Drift (" << before.drift.size() << "):\n";
    listDrift(out, before.drift);
  }
  if (r.command == Command::Plan || r.planOnly || r.report.refusedUnmanaged)
    listPlan(out, before);
  else
    listApplied(out, r);
  listUnmanaged(out, r.report.unmanaged);
  out << summaryLine(r) << "\n";
  return out.str();
}

std::string renderJson(const DocumentResult& r) {
  const schema::Plan& p = shownPlan(r);
  nlohmann::ordered_json applied = nlohmann::ordered_json::array();
  for (const auto& step : r.report.applied)
    for (const auto& s : step.statements) applied.push_back(s);

  nlohmann::ordered_json doc = {
      {"name", r.resource.name},
      {"namespace", r.resource.ns},
      {"drift", engine::driftJson(p)},
      {"plan", engine::planJson(p)},
      {"applied", std::move(applied)},
      {"unmanaged", engine::unmanagedJson(r.report.unmanaged)},
  };
  if (r.report.failure) {
    doc["error"] = {{"object", r.report.failure->object},
                    {"statement", r.report.failure->statement},
                    {"message", r.report.failure->message}};
  } else if (r.report.refusedUnmanaged) {
    doc["error"] = {{"object", ""}, {"statement", ""}, {"message", schema::strictRefusal(r.report.unmanaged)}};
  }
  // Keys in the contract's order. Statements and server messages may hold any bytes; never fail
  // the output over them.
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace cli

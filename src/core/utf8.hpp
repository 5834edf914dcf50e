#pragma once
// Text that Postgres can take: valid UTF-8 (the encoding every connection uses) without NUL bytes
// (no Postgres text type can hold one). Checked where input enters, so that a bad byte is an error
// naming its field rather than a server error halfway through an apply.
#include <optional>
#include <string>
#include <string_view>

namespace core {

// Why `text` cannot be sent to Postgres as text ("contains a NUL byte at byte 3", "is not valid
// UTF-8 at byte 7"), or nullopt when it can. Never quotes the text itself.
std::optional<std::string> textProblem(std::string_view text);

}  // namespace core

// entry_reader.hpp: reading a plugin's entry symbol from its ELF file without loading the library,
// so the ABI and ISA checks happen before any plugin code (constructors, static initialisers) runs.
#pragma once

#include <cstdint>
#include <filesystem>

namespace cgp {

// The plain integer fields of cgp_plugin_entry_t, as the file holds them.
struct EntryFields {
    std::uint32_t abi_major = 0;
    std::uint32_t abi_minor = 0;
    std::uint32_t isa_required = 0;
};

// Finds CGP_PLUGIN_ENTRY_SYMBOL in the file's dynamic symbol table, maps its address to a file
// offset through the loadable segments, and reads the integer fields there. Throws cgp::Error naming
// the path when the file is no ELF shared object for this machine, is truncated, or lacks the symbol.
EntryFields read_entry_fields(const std::filesystem::path& path);

} // namespace cgp

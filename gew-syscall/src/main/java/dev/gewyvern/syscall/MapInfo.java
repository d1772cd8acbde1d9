package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.attr.AttrField;
import dev.gewyvern.syscall.attr.AttrLayout;

/** {@code struct bpf_map_info}: what the kernel says of one of our maps. */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name,
                      int btfId, int btfKeyTypeId, int btfValueTypeId) {
    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField ID = f("id", 4, 4);
    static final AttrField KEY_SIZE = f("key_size", 8, 4);
    static final AttrField VALUE_SIZE = f("value_size", 12, 4);
    static final AttrField MAX_ENTRIES = f("max_entries", 16, 4);
    static final AttrField MAP_FLAGS = f("map_flags", 20, 4);
    static final AttrField NAME = f("name", 24, 16);
    static final AttrField BTF_ID = f("btf_id", 64, 4);
    static final AttrField BTF_KEY_TYPE_ID = f("btf_key_type_id", 68, 4);
    static final AttrField BTF_VALUE_TYPE_ID = f("btf_value_type_id", 72, 4);
    /**
     * The map's type, typed; {@link MapType#UNSPEC} for a number newer than {@link MapType} knows (no rule of
     * gewyvern's applies to it; {@link #type()} keeps the number).
     */
    public MapType mapType() {
        return MapType.of(Integer.toUnsignedLong(type)).orElse(MapType.UNSPEC);
    }

    public static final AttrLayout LAYOUT = new AttrLayout("bpf_map_info", null, List.of(TYPE, ID, KEY_SIZE, VALUE_SIZE,
            MAX_ENTRIES, MAP_FLAGS, NAME, BTF_ID, BTF_KEY_TYPE_ID, BTF_VALUE_TYPE_ID));

    static MapInfo decode(byte[] bytes) {
        InfoReader r = new InfoReader(bytes);
        return new MapInfo(r.u32(TYPE), r.u32(ID), r.u32(KEY_SIZE), r.u32(VALUE_SIZE), r.u32(MAX_ENTRIES),
                r.u32(MAP_FLAGS), r.chars(NAME), r.u32(BTF_ID), r.u32(BTF_KEY_TYPE_ID), r.u32(BTF_VALUE_TYPE_ID));
    }
}

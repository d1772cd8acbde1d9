package dev.gewyvern.btf;

/**
 * A reusable view of one type record that reads its fields in place, without decoding it into a
 * {@link BtfType}: the way to walk all of vmlinux (or search it) without allocating. Point it at a
 * type with {@link #at}; every read is bounds-checked by the index, and names and references are
 * checked when {@link #at} is called, exactly as {@link Btf#type} would check them.
 *
 * <p>A cursor is not thread-safe; make one per thread ({@link Btf#cursor}).
 */
public final class BtfCursor {
    private final Btf btf;
    private Btf owner;
    private int id;
    private int p;
    private int info;

    BtfCursor(Btf btf) {
        this.btf = btf;
    }

    /** Moves to type {@code id} (not 0: void has no record); throws when its record is malformed. */
    public BtfCursor at(int id) {
        Btf o = btf.owner(id);
        this.p = o.checkedRecord(id);
        this.owner = o;
        this.id = id;
        this.info = o.raw(p + 4);
        return this;
    }

    public int id() {
        return id;
    }

    public BtfKind kind() {
        return BtfKind.of((info >>> 24) & 0x1f);
    }

    public int kindNumber() {
        return (info >>> 24) & 0x1f;
    }

    public boolean kindFlag() {
        return info < 0;
    }

    /** The number of members, enumerators, parameters or variables (FUNC: its linkage). */
    public int vlen() {
        return info & 0xffff;
    }

    public int nameOffset() {
        return owner.raw(p);
    }

    public String name() {
        return btf.string(nameOffset());
    }

    /** True when the name is {@code s}, compared in place. */
    public boolean nameIs(String s) {
        return btf.stringEquals(nameOffset(), s);
    }

    /** The size (INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT) or the referenced type (the others). */
    public int sizeOrType() {
        return owner.raw(p + 8);
    }

    /** The {@code i}-th 32-bit word after the 12-byte head (INT's encoding, ARRAY's fields, VAR's linkage...). */
    public int word(int i) {
        return owner.raw(p + 12 + 4 * checkWord(i));
    }

    /** Name offset of member / enumerator / parameter {@code i} (not DATASEC, whose entries have none). */
    public int entryNameOffset(int i) {
        return owner.raw(p + 12 + stride() * checkEntry(i));
    }

    public String entryName(int i) {
        return btf.string(entryNameOffset(i));
    }

    /** Member, parameter or DATASEC variable {@code i}'s type; an enumerator's (low 32 bits of) value. */
    public int entryType(int i) {
        int k = kindNumber();
        return owner.raw(p + 12 + stride() * checkEntry(i) + (k == 15 ? 0 : 4));
    }

    /** Member {@code i}'s raw offset word (bit offset, with the bitfield size in the top byte when kindFlag). */
    public int entryOffset(int i) {
        int k = kindNumber();
        if (k != 4 && k != 5 && k != 15 && k != 19) {
            throw new BtfException("BTF type " + id + " (" + kind() + ") has no entry offsets");
        }
        return owner.raw(p + 12 + 12 * checkEntry(i) + (k == 15 ? 4 : 8));
    }

    private int stride() {
        switch (kindNumber()) {
            case 4: case 5: case 15: case 19: return 12;
            case 6: case 13: return 8;
            default: throw new BtfException("BTF type " + id + " (" + kind() + ") has no entries");
        }
    }

    private int checkEntry(int i) {
        if (i < 0 || i >= vlen()) {
            throw new IndexOutOfBoundsException("entry " + i + " of BTF type " + id + " (vlen " + vlen() + ")");
        }
        return i;
    }

    private int checkWord(int i) {
        long words = Btf.trailing(kindNumber(), vlen()) / 4;
        if (i < 0 || i >= words) {
            throw new IndexOutOfBoundsException("word " + i + " of BTF type " + id + " (" + words + " words)");
        }
        return i;
    }
}

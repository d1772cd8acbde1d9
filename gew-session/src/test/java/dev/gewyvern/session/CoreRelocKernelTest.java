package dev.gewyvern.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.protobuf.ByteString;
import dev.gewyvern.elf.XlatedListing;
import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.elf.GlobalVariable;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.GlobalValue;
import dev.gewyvern.proto.v1.LoadOnly;
import dev.gewyvern.proto.v1.Phase;
import dev.gewyvern.proto.v1.PinnedObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.SessionRecord;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.ProgTestRunAttr;
import dev.gewyvern.syscall.kernel.KernelBtf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CO-RE relocation for real, in the shape of the kernel's test_core_reloc. testdata/src/core_reloc.bpf.c
 * is relocated against target BTFs built from testdata/core/btf__core_reloc_*.c (BpfObject.target_btf),
 * with the input blob the target file lays out written into the object's core_reloc_in (.data); the
 * program is loaded only, run once with BPF_PROG_TEST_RUN, and every member of its output global is
 * compared with the values written down here. testdata/src/core_kernel.bpf.c runs against the running
 * kernel's own BTF, its values checked against /proc and the kernel's BTF.
 *
 * <p>Each case runs through gewyvern's Engine and through libbpf itself (given the same target BTF as
 * btf_custom_path): both must read the written-down values, and the kernel must run the same
 * instructions for both (xlated_prog_insns, maps named by section); each target is also given as a raw
 * BTF file. Cases that must fail (a poisoned field read the verifier reaches; two candidate flavours
 * that disagree; an instruction that does not hold the local value its relocation expects) fail in
 * both, gewyvern's error saying which relocation, type, field and source line.
 */
class CoreRelocKernelTest {
    private static final String OBJECT = "core_reloc";
    private final PinRoot root = new PinRoot(PinRoot.DEFAULT);
    private Engine engine;

    @BeforeEach
    void setUp() {
        KernelTestSupport.requireBpf();
        engine = Engine.start(root, "CoreRelocKernelTest");
    }

    @AfterEach
    void tearDown() {
        KernelTestSupport.detachAllAndClose(engine);
    }

    // ---- the cases ---------------------------------------------------------------------------------

    /** Expected output values; some (type ids) are looked up in the local or target BTF. */
    interface Expected {
        Map<String, Long> values() throws IOException;
    }

    /**
     * One run: {@code program} of {@code object} relocated against {@code target} (a testdata/core object,
     * or null for the running kernel), with the target's global {@code input} (or nothing) as input. The
     * result is the .bss global {@code output}, or (output null) the object's .data read back as the
     * target's type {@code dataAs}.
     */
    record Case(String name, String object, String program, String target, String input, String output,
                String dataAs, Expected expected, Path rawTarget) {
        Case(String name, String object, String program, String target, String input, String output,
             Expected expected) {
            this(name, object, program, target, input, output, null, expected, null);
        }

        Case(String name, String object, String program, String target, String input, String output,
             String dataAs, Expected expected) {
            this(name, object, program, target, input, output, dataAs, expected, null);
        }

        /** The target object; its .BTF is the target BTF unless {@link #rawTarget} gives it as a raw file. */
        Path targetObject() {
            return target == null ? null : CoreRelocKernelTest.target(target);
        }

        /** The file given as target_btf / btf_custom_path. */
        Path targetPath() {
            return rawTarget != null ? rawTarget : targetObject();
        }

        /** This case with its target BTF given as a raw BTF file (as /sys/kernel/btf/vmlinux is). */
        Case withRawTarget(Path raw) {
            return new Case(name + " (raw BTF)", object, program, target, input, output, dataAs, expected, raw);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("fields moved", OBJECT, "read_fields", "moved", "fields_input", "fields_out", () -> values(
                        "a", -100000, "b", 0xbeef, "x", 31, "y", 32, "u1", 0x41424344, "arr1_c", 51, "arr1_d2", 62,
                        "td", 0xdeadbeefL, "ptr", 0x123456789aL, "flex1", 92, "gone_exists", 1, "gone", 77,
                        "a_offset", 36, "b_offset", 32, "arr_offset", 48, "flex_offset", 84, "b_size", 2,
                        "d_size", 12, "arr_size", 32, "a_signed", 1, "b_signed", 0, "nested_exists", 1)),
                // b (unsigned short here, unsigned int in the target) is a direct load: 0x12345678 whole proves
                // the load was widened; arr[1] moves by the target's element size (20, not 16)
                new Case("fields resized and removed", OBJECT, "read_fields", "resized", "fields_input", "fields_out",
                        () -> values("a", 123456, "b", 0x12345678, "x", 41, "y", 42, "u1", 0x51525354, "arr1_c", 51,
                        "arr1_d2", 62, "td", 7, "ptr", 0xfedcba98L, "flex1", 93, "gone_exists", 0, "gone", 0,
                        "a_offset", 0, "b_offset", 12, "arr_offset", 16, "flex_offset", 104, "b_size", 4,
                        "d_size", 16, "arr_size", 60, "a_signed", 0, "b_signed", 0, "nested_exists", 1)),
                new Case("unguarded read of a present field", OBJECT, "read_gone", "moved", "fields_input", "gone_out",
                        () -> values("gone_out", 77)),
                new Case("stores to fields moved", OBJECT, "write_fields", "moved", "fields_input", null,
                        "core_reloc_fields___moved", () -> values("pad0", -1, "flex_pad", -1, "td", 0xdeadbeefL,
                        "u2", 0x44, "u1", 0x41424344, "nested.y", 0x6b6b6b6b, "nested.pad", -1, "nested.x", 31,
                        "b", 0x7777, "a", 0x5a5a5a5a, "ptr", 0x123456789aL, "arr[0].d[0]", -1, "arr[0].d[1]", -1,
                        "arr[0].d[2]", -1, "arr[0].c", -1, "arr[1].d[0]", 60, "arr[1].d[1]", 61, "arr[1].d[2]", 62,
                        "arr[1].c", 51, "gone", 77)),
                // the 2-byte store to b becomes a 4-byte one: 0x12345678 is all overwritten
                new Case("stores to fields resized", OBJECT, "write_fields", "resized", "fields_input", null,
                        "core_reloc_fields___resized", () -> values("a", 0x5a5a5a5a, "nested.x", 41,
                        "nested.y", 0x6b6b6b6b, "b", 0x7777, "arr[0].c", -1, "arr[0].d[0]", -1, "arr[0].d[1]", -1,
                        "arr[0].d[2]", -1, "arr[0].d[3]", -1, "arr[1].c", 51, "arr[1].d[0]", 60, "arr[1].d[1]", 61,
                        "arr[1].d[2]", 62, "arr[1].d[3]", 63, "arr[2].c", -1, "arr[2].d[0]", -1, "arr[2].d[1]", -1,
                        "arr[2].d[2]", -1, "arr[2].d[3]", -1, "u1", 0x51525354, "u2", 0x51525354L, "td", 7,
                        "ptr", 0xfedcba98L)),
                new Case("two candidate flavours that agree", OBJECT, "read_gone", "agreeing", "fields_input", "gone_out",
                        () -> values("gone_out", 88)),
                new Case("bitfields of other widths and units", OBJECT, "read_bitfields", "bitfields",
                        "bitfields_input", "bitfields_out", () -> values("ub1", 5, "ub2", 0xabcde, "ub7", 1,
                        "sb4", -300, "sb20", -200000000, "u32", 0xbeef, "s32", -5000000000L, "direct_ub2", 0xabcde,
                        "direct_sb20", -200000000, "direct_u32", 0xbeef)),
                new Case("enum values changed, removed, enum64", OBJECT, "read_enums", "enums", null, "enums_out",
                        () -> values("a_exists", 1, "b_exists", 1, "c_exists", 0, "small_exists", 1, "a", 10, "b", 20,
                        "small", 0x200000007L, "big", 0x300000000L)),
                new Case("enums the target lacks", OBJECT, "read_enums", "moved", null, "enums_out",
                        () -> values("a_exists", 0, "b_exists", 0, "c_exists", 0, "small_exists", 0, "a", 0, "b", 0,
                        "small", 0, "big", 0)),
                new Case("types: exists, size, matches, ids", OBJECT, "read_types", "types", null, "types_out",
                        () -> values("s_exists", 1, "u_exists", 1, "td_exists", 1, "e_exists", 1,
                        "nowhere_exists", 0, "s_size", 16, "u_size", 8, "td_size", 8, "e_size", 4, "nowhere_size", 0,
                        "s_matches", 1, "u_matches", 0, "nowhere_matches", 0,
                        "s_local_id", localId("core_reloc_type_s"), "nowhere_local_id", localId("core_reloc_type_nowhere"),
                        "s_target_id", typeId(target("types"), BtfKind.STRUCT, "core_reloc_type_s___v2"),
                        "u_target_id", typeId(target("types"), BtfKind.UNION, "core_reloc_type_u___v2"),
                        "nowhere_target_id", 0)),
                new Case("types the target lacks", OBJECT, "read_types", "moved", null, "types_out",
                        () -> values("s_exists", 0, "u_exists", 0, "td_exists", 0, "e_exists", 0, "nowhere_exists", 0,
                        "s_size", 0, "u_size", 0, "td_size", 0, "e_size", 0, "nowhere_size", 0,
                        "s_matches", 0, "u_matches", 0, "nowhere_matches", 0,
                        "s_local_id", localId("core_reloc_type_s"), "nowhere_local_id", localId("core_reloc_type_nowhere"),
                        "s_target_id", 0, "u_target_id", 0, "nowhere_target_id", 0)),
                new Case("the running kernel's task_struct", "core_kernel", "read_task", null, null, "kernel_out",
                        CoreRelocKernelTest::kernelExpectations),
                new Case("tcp_bbr's struct bbr (a module's own type where tcp_bbr is a module)", "core_module",
                        "read_bbr", null, null,
                        "module_out", CoreRelocKernelTest::moduleExpectations));
    }

    /** The module whose struct bbr core_module is relocated against (in vmlinux where it is built in). */
    private static final String MODULE = "tcp_bbr";

    /** The kernel BTF that has struct bbr: vmlinux where tcp_bbr is built in, else the loaded module's. */
    private static Btf bbrBtf() {
        Btf vmlinux = KernelBtf.shared().vmlinux();
        if (vmlinux.find(BtfKind.STRUCT, "bbr") > 0) {
            return vmlinux;
        }
        return Files.exists(Path.of("/sys/kernel/btf", MODULE)) ? KernelBtf.shared().module(MODULE) : null;
    }

    /**
     * The case against struct bbr needs tcp_bbr built in or loaded (kernels/kernel-tier loads it in the
     * guest); a kernel with neither skips it, saying so.
     */
    private static void requireModule(Case c) {
        if (c.object().equals("core_module") && bbrBtf() == null) {
            org.junit.jupiter.api.Assumptions.abort(MODULE + " is neither built in nor loaded here: no struct bbr to "
                    + "relocate against");
        }
    }

    /**
     * What read_bbr must see: struct bbr as the kernel's BTF has it, its id by TYPE_ID_TARGET. Where it is a
     * module's type, that id is an id in the module's split BTF, which the kernel holds under its own BTF
     * object id: found by name (ModuleBtfIds), the kernel's copy names the same struct at that id.
     */
    static Map<String, Long> moduleExpectations() throws IOException {
        Btf btf = bbrBtf();
        int bbr = btf.find(BtfKind.STRUCT, "bbr");
        BtfType.Struct s = (BtfType.Struct) btf.type(bbr);
        java.util.function.ToLongFunction<String> offset = name -> s.members().stream()
                .filter(m -> m.name().equals(name)).findFirst().orElseThrow().bitOffset() / 8;
        if (btf != KernelBtf.shared().vmlinux()) {
            assertTrue(bbr >= btf.firstTypeId(), "struct bbr is the module's own type: " + bbr);
            int objectId = dev.gewyvern.syscall.ModuleBtfIds.find(MODULE).orElseThrow(
                    () -> new AssertionError("no kernel BTF object is named " + MODULE));
            Btf held = Btf.parse(java.nio.ByteBuffer.wrap(Bpf.btf(objectId).btf()), KernelBtf.shared().vmlinux());
            assertEquals("bbr", held.name(bbr), "type " + bbr + " of BTF object " + objectId + " (" + MODULE + ")");
        }
        return values("bbr_exists", 1, "bbr_size", s.size(), "min_rtt_us_offset", offset.applyAsLong("min_rtt_us"),
                "rtt_cnt_offset", offset.applyAsLong("rtt_cnt"), "bbr_kernel_id", bbr);
    }

    /** What read_task must see: this thread of this process, as /proc and the kernel's BTF describe them. */
    static Map<String, Long> kernelExpectations() throws IOException {
        // BPF_PROG_TEST_RUN runs the program in the calling thread: current is this thread of this process
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
        long tid = Long.parseLong(self.substring(self.lastIndexOf('/') + 1));
        byte[] commText = Arrays.copyOf(Files.readString(Path.of("/proc/thread-self/comm")).strip()
                .getBytes(StandardCharsets.UTF_8), 16);
        Btf vmlinux = KernelBtf.shared().vmlinux();
        int task = vmlinux.find(BtfKind.STRUCT, "task_struct");
        long tgidOffset = ((BtfType.Struct) vmlinux.type(task)).members().stream()
                .filter(m -> m.name().equals("tgid")).findFirst().orElseThrow().bitOffset() / 8;
        // the local task_struct { int pid; int tgid; char comm[16]; } matches unless the kernel's char is unsigned
        BtfType.Array comm = (BtfType.Array) vmlinux.type(vmlinux.resolve(((BtfType.Struct) vmlinux.type(task)).members()
                .stream().filter(m -> m.name().equals("comm")).findFirst().orElseThrow().type()));
        boolean signedChar = (((BtfType.Int) vmlinux.type(vmlinux.resolve(comm.elemType()))).encoding()
                & BtfType.Int.SIGNED) != 0;
        Map<String, Long> v = values("pid", tid, "tgid", ProcessHandle.current().pid(), "old_state_exists", 0,
                "new_state_exists", 1, "tgid_offset", tgidOffset, "comm_size", 16, "task_size", vmlinux.sizeOf(task),
                "task_exists", 1, "missing_type_exists", 0, "sid", 3, "max", 4, "gewyvern_exists", 0,
                "task_kernel_id", task, "task_matches", signedChar ? 1 : 0, "missing_kernel_id", 0);
        for (int i = 0; i < commText.length; i++) {
            v.put("comm[" + i + "]", (long) commText[i]);
        }
        return v;
    }

    // ---- the three legs ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gewyvernReadsTheWrittenDownValues(Case c) throws IOException {
        requireModule(c);
        assertOutput(c.expected().values(), gewyvern(c).values(), "gewyvern, " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void libbpfReadsTheWrittenDownValues(Case c) throws IOException {
        requireModule(c);
        assertOutput(c.expected().values(), libbpf(c).values(), "libbpf, " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theKernelRunsTheSameInstructionsForBoth(Case c) throws IOException {
        requireModule(c);
        List<String> expected = libbpf(c).xlated();
        List<String> actual = gewyvern(c).xlated();
        assertTrue(expected.equals(actual), () -> c + ": " + XlatedListing.firstDifference(expected, actual));
    }

    /** The target's .BTF written out as a raw BTF file: the same relocations, the same values. */
    static Stream<Case> rawTargetCases() throws IOException {
        Path dir = Files.createTempDirectory("gew-corereloc-raw");
        dir.toFile().deleteOnExit();
        List<Case> out = new java.util.ArrayList<>();
        for (Case c : cases().filter(c -> c.target() != null).toList()) {
            Path raw = dir.resolve("btf__core_reloc_" + c.target() + ".btf");
            if (!Files.exists(raw)) {
                Btf btf = parse(c.targetObject()).btf().orElseThrow();
                Files.write(raw, dev.gewyvern.btf.BtfWriter.write(btf.types(), ByteOrder.nativeOrder()));
                raw.toFile().deleteOnExit();
            }
            out.add(c.withRawTarget(raw));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawTargetCases")
    void aRawBtfTargetReadsAsItsElfDoes(Case c) throws IOException {
        assertOutput(c.expected().values(), libbpf(c).values(), "libbpf, " + c);
        assertOutput(c.expected().values(), gewyvern(c).values(), "gewyvern, " + c);
    }

    // ---- cases that must fail ----------------------------------------------------------------------

    @Test
    void anUnguardedReadOfAMissingFieldIsPoisonedAndRefusedWithItsRelocationAndSourceLine() throws IOException {
        Path t = target("resized");
        byte[] data = dataImage(input(t, "fields_input"));
        try (Libbpf l = new Libbpf(obj(OBJECT), t, "read_gone", data, libbpfPins())) {
            assertNotEquals(0, l.loadResult(), "libbpf loaded read_gone against ___resized");
            assertTrue(l.log().contains("invalid CO-RE relocation") || l.log().contains("unknown func"), l.log());
        }
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(pipeline(OBJECT, "read_gone", t, data), ev -> { }, 1));
        String msg = e.getMessage();
        assertEquals(Step.VERIFY, e.step(), msg);
        assertEquals(SessionException.Kind.KERNEL, e.kind(), msg);
        assertTrue(msg.contains("read_gone"), msg);
        assertTrue(msg.contains("core_reloc_fields") && msg.contains("gone"), "names the type and field: " + msg);
        int[] body = functionLines("read_gone");
        Matcher line = Pattern.compile("core_reloc\\.bpf\\.c:(\\d+)").matcher(msg);
        assertTrue(line.find(), "names the source line: " + msg);
        int at = Integer.parseInt(line.group(1));
        assertTrue(at >= body[0] && at <= body[1], "line " + at + " is in read_gone, lines " + body[0] + ".." + body[1]
                + ": " + msg);
        assertNotNull(e.verifierLog(), "the verifier's log is kept");
        assertNothingLeft();
    }

    @Test
    void twoCandidateFlavoursThatDisagreeAreAnError() throws IOException {
        Path t = target("ambiguous");
        try (Libbpf l = new Libbpf(obj(OBJECT), t, "read_gone", null, libbpfPins())) {
            assertNotEquals(0, l.loadResult(), "libbpf loaded read_gone against two disagreeing flavours");
        }
        SessionException e = assertThrows(SessionException.class,
                () -> engine.apply(pipeline(OBJECT, "read_gone", t, null), ev -> { }, 1));
        String msg = e.getMessage();
        assertTrue(msg.contains("read_gone") && msg.contains("gone"), msg);
        assertTrue(msg.contains("core_reloc_fields___x") && msg.contains("core_reloc_fields___y"),
                "names both candidates: " + msg);
        assertNothingLeft();
    }

    @Test
    void anInstructionThatDoesNotHoldTheLocalValueIsRefused() throws IOException {
        // read_gone's first instruction is r1 = 64, the local offset of 'gone' its relocation expects
        Path bad = Files.createTempFile("gew-corereloc-", ".bpf.o");
        try {
            Files.write(bad, ElfPatch.withImmediate(Files.readAllBytes(obj(OBJECT)), "read_gone", 0, 68));
            Path t = target("moved");
            byte[] data = dataImage(input(t, "fields_input"));
            try (Libbpf l = new Libbpf(bad, t, "read_gone", data, libbpfPins())) {
                assertNotEquals(0, l.loadResult(), "libbpf patched an instruction that did not hold 64");
            }
            SessionException e = assertThrows(SessionException.class,
                    () -> engine.apply(pipeline(OBJECT, bad, "read_gone", t, data), ev -> { }, 1));
            String msg = e.getMessage();
            assertTrue(msg.contains("read_gone") && msg.contains("gone"), msg);
            assertTrue(msg.contains("64") && msg.contains("68"), "says what it expected and what it found: " + msg);
            assertNothingLeft();
        } finally {
            Files.delete(bad);
        }
    }

    // ---- running a case ----------------------------------------------------------------------------

    /** What one loader made of a case: the output global's values, and the program as the kernel runs it. */
    record Outcome(Map<String, Long> values, List<String> xlated) {}

    private static Path obj(String object) {
        return KernelTestSupport.testdata("obj/" + object + ".bpf.o");
    }

    private static Path target(String name) {
        return KernelTestSupport.testdata("obj/core/btf__core_reloc_" + name + ".o");
    }

    private static dev.gewyvern.elf.BpfObject parse(Path p) throws IOException {
        return dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(p));
    }

    /** The bytes of global {@code symbol} of a target object's .data: the input blob, laid out as the target. */
    private static byte[] input(Path target, String symbol) throws IOException {
        GlobalData data = parse(target).globalData(".data").orElseThrow(() -> new AssertionError(target + " has no .data"));
        GlobalVariable v = data.variable(symbol).orElseThrow(() -> new AssertionError(target + " has no " + symbol));
        return Arrays.copyOfRange(data.initialValue(), v.offset(), v.offset() + v.size());
    }

    /** core_reloc.bpf.o's whole .data (core_reloc_in and nothing else) holding {@code input}. */
    private static byte[] dataImage(byte[] input) throws IOException {
        GlobalData data = parse(obj(OBJECT)).globalData(".data").orElseThrow();
        assertEquals(List.of("core_reloc_in"), data.variables().stream().map(GlobalVariable::name).toList());
        assertTrue(input.length <= data.size(), "input of " + input.length + " bytes");
        return Arrays.copyOf(input, data.size());
    }

    private static byte[] data(Case c) throws IOException {
        return c.input() == null ? null : dataImage(input(c.targetObject(), c.input()));
    }

    /** One program of an object, load-only; the object relocated against {@code targetBtf} (null: the kernel's). */
    private static Pipeline pipeline(String object, String program, Path targetBtf, byte[] data) {
        return pipeline(object, obj(object), program, targetBtf, data);
    }

    private static Pipeline pipeline(String object, Path file, String program, Path targetBtf, byte[] data) {
        BpfObject.Builder o = BpfObject.newBuilder().setId(object).setPath(file.toString());
        if (targetBtf != null) {
            o.setTargetBtf(targetBtf.toString());
        }
        if (data != null) {
            o.addGlobals(GlobalValue.newBuilder().setName("core_reloc_in").setRaw(ByteString.copyFrom(data)));
        }
        return Pipeline.newBuilder().setName("corereloc").addObjects(o)
                .addPrograms(Program.newBuilder().setObject(object).setName(program)
                        .setAttach(AttachTarget.newBuilder().setLoadOnly(LoadOnly.getDefaultInstance())))
                .build();
    }

    /** Applies the case's pipeline, runs the program once, reads its output; the session is detached after. */
    private Outcome gewyvern(Case c) throws IOException {
        SessionRecord rec = engine.apply(pipeline(c.object(), c.program(), c.targetPath(), data(c)), ev -> { }, 1);
        assertEquals(Phase.COMMITTED, rec.getPhase());
        Path session = root.session(engine.instanceId(), rec.getSessionId());
        dev.gewyvern.elf.BpfObject local = parse(obj(c.object()));
        GlobalData bss = local.globalData(".bss").orElseThrow();
        Map<String, String> sectionByPin = new HashMap<>();
        local.globalData().forEach(g -> sectionByPin.put(ObjectLoader.globalDataPinName(c.object(), g), g.section()));
        Map<Integer, String> mapNames = new HashMap<>();
        for (PinnedObject p : rec.getObjectsList()) {
            if (p.getKind() == PinnedObject.Kind.MAP) {
                mapNames.put(p.getKernelId(), sectionByPin.getOrDefault(p.getName(), p.getName()));
            }
        }
        try (Fd prog = Bpf.get(session.resolve(PinRoot.PROGS).resolve(c.program()).toString(), "prog");
             Fd map = Bpf.get(session.resolve(PinRoot.MAPS).resolve(ObjectLoader.globalDataPinName(c.object(), bss))
                     .toString(), "map")) {
            Fd data = c.dataAs() == null ? null : Bpf.get(session.resolve(PinRoot.MAPS).resolve(
                    ObjectLoader.globalDataPinName(c.object(), local.globalData(".data").orElseThrow())).toString(), "map");
            try (Fd d = data) {
                return outcome(local, c, prog, map, d, mapNames);
            }
        } finally {
            engine.detach(rec.getSessionId());
        }
    }

    /** The same case through libbpf, given the target BTF as btf_custom_path. */
    private static Outcome libbpf(Case c) throws IOException {
        try (Libbpf l = new Libbpf(obj(c.object()), c.targetPath(), c.program(), data(c), libbpfPins())) {
            assertEquals(0, l.loadResult(), () -> "libbpf could not load " + c + ":\n" + l.log());
            return outcome(parse(obj(c.object())), c, l.program(c.program()), l.map(".bss"), l.map(".data"),
                    l.mapNamesById());
        }
    }

    private static Path libbpfPins() {
        return Path.of("/sys/fs/bpf", "gwo-corereloc-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    /** Runs the program once and reads what it left: the case's .bss output, or .data as the target's type. */
    private static Outcome outcome(dev.gewyvern.elf.BpfObject local, Case c, Fd prog, Fd bssMap, Fd dataMap,
                                   Map<Integer, String> mapNames) throws IOException {
        assertEquals(0, Bpf.testRun(ProgTestRunAttr.withContext(prog.value(), null)).retval());
        Map<String, Long> values;
        if (c.dataAs() != null) {
            Btf target = parse(c.targetObject()).btf().orElseThrow();
            byte[] image = Bpf.lookup(dataMap, new byte[4], local.globalData(".data").orElseThrow().size());
            values = OutputGlobal.decode(target, typeId(c.targetObject(), BtfKind.STRUCT, c.dataAs()), c.dataAs(),
                    ByteBuffer.wrap(image).order(ByteOrder.nativeOrder()));
        } else {
            GlobalData bss = local.globalData(".bss").orElseThrow();
            byte[] image = Bpf.lookup(bssMap, new byte[4], bss.size());
            GlobalVariable v = bss.variable(c.output()).orElseThrow();
            values = OutputGlobal.decode(local.btf().orElseThrow(), v.btfTypeId(), v.name(),
                    ByteBuffer.wrap(image, v.offset(), v.size()).slice().order(ByteOrder.nativeOrder()));
        }
        return new Outcome(values, XlatedListing.lines(Bpf.xlatedInsns(prog), mapNames));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static Map<String, Long> values(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    private static int typeId(Path object, BtfKind kind, String name) throws IOException {
        Btf btf = parse(object).btf().orElseThrow();
        int id = btf.find(kind, name);
        assertTrue(id > 0, object + " has no " + kind + " " + name);
        return id;
    }

    private static int localId(String struct) throws IOException {
        return typeId(obj(OBJECT), BtfKind.STRUCT, struct);
    }

    /** Every member of the output compared, none left unchecked. */
    private static void assertOutput(Map<String, Long> expected, Map<String, Long> actual, String what) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()),
                what + ": the test must write down every member of the output");
        StringBuilder wrong = new StringBuilder();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                wrong.append("\n  ").append(k).append(": expected ").append(v).append(" (0x")
                        .append(Long.toHexString(v)).append("), got ").append(actual.get(k)).append(" (0x")
                        .append(Long.toHexString(actual.get(k))).append(')');
            }
        });
        assertTrue(wrong.length() == 0, what + ":" + wrong);
    }

    /** The first and last line of a function in core_reloc.bpf.c. */
    private static int[] functionLines(String name) throws IOException {
        List<String> src = Files.readAllLines(KernelTestSupport.testdata("src/core_reloc.bpf.c"), StandardCharsets.UTF_8);
        for (int i = 0; i < src.size(); i++) {
            if (src.get(i).startsWith("int " + name + "(")) {
                int end = i;
                while (!src.get(end).equals("}")) {
                    end++;
                }
                return new int[] {i + 1, end + 1};
            }
        }
        throw new AssertionError("core_reloc.bpf.c has no function " + name);
    }

    private void assertNothingLeft() {
        assertTrue(engine.ownSessions().isEmpty(), "a refused session leaves nothing: " + engine.ownSessions());
        assertTrue(KernelTestSupportAccess.holdsNothing(engine.instanceId()), "nothing pinned or staged");
    }
}

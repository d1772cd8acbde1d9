package dev.gewyvern.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import org.junit.jupiter.api.Test;

/**
 * gew-btf and gew-elf are pure: bytes in, values out (docs/design.md). Every class they ship is read here, its
 * constant pool walked, and no reference may lead to files, /proc, processes, the environment or native
 * code: java.io's and java.nio.file's file types, channels, ProcessBuilder, Runtime, System.getenv and
 * System.getProperty, jnr-ffi and jffi. (Reading a kernel's BTF or an object is the caller's job: gew-syscall
 * reads, these modules parse.)
 */
class PurityTest {
    /** Classes whose mere use means leaving the bytes given. */
    private static final List<String> FORBIDDEN_CLASSES = List.of("java/io/File", "java/io/FileInputStream",
            "java/io/FileOutputStream", "java/io/FileReader", "java/io/FileWriter", "java/io/RandomAccessFile",
            "java/nio/file/", "java/nio/channels/", "java/lang/ProcessBuilder", "java/lang/Runtime",
            "java/lang/ProcessHandle", "java/net/", "jnr/", "com/kenai/jffi/", "sun/misc/Unsafe");
    /** Methods of allowed classes that still reach outside. */
    private static final List<String> FORBIDDEN_METHODS = List.of("java/lang/System.getenv",
            "java/lang/System.getProperty", "java/lang/System.load", "java/lang/System.loadLibrary");

    @Test
    void btfAndElfTouchNoFileProcOrSyscall() throws Exception {
        List<String> found = new ArrayList<>();
        for (Class<?> module : List.of(Btf.class, BpfObject.class)) {
            for (ClassFile c : classesOf(module)) {
                found.addAll(c.violations());
            }
        }
        assertEquals(List.of(), found, "gew-btf and gew-elf must not reach outside the bytes they are given");
    }

    /** The scan sees what it must refuse: this module's own kernel test reads /sys/kernel/btf/vmlinux. */
    @Test
    void theScanFindsFileAccessWhereThereIsSome() throws Exception {
        String name = ProgramSectionKernelTest.class.getName().replace('.', '/') + ".class";
        try (InputStream in = PurityTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(ClassFile.read(name, in).violations().stream().anyMatch(v -> v.contains("java/nio/file/")));
        }
    }

    private static List<ClassFile> classesOf(Class<?> anchor) throws IOException, URISyntaxException {
        Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<ClassFile> out = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> s = Files.walk(where)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                    try (InputStream in = Files.newInputStream(p)) {
                        out.add(ClassFile.read(where.relativize(p).toString(), in));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (var e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            out.add(ClassFile.read(e.getName(), in));
                        }
                    }
                }
            }
        }
        assertTrue(out.size() > 10, "found the classes of " + anchor.getName() + " at " + where);
        return out;
    }

    /** The class and method references of one class file's constant pool (JVMS 4.4). */
    private record ClassFile(String name, TreeSet<String> classes, TreeSet<String> methods) {
        static ClassFile read(String name, InputStream raw) throws IOException {
            DataInputStream in = new DataInputStream(raw);
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classIndex = new int[count];
            int[][] refs = new int[count][];
            int[] nameAndTypeName = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classIndex[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++;
                    }
                    case 9, 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                    case 12 -> {
                        nameAndTypeName[i] = in.readUnsignedShort();
                        in.readUnsignedShort();
                    }
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 17, 18 -> {
                        in.readUnsignedShort();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException(name + ": constant pool tag " + tag + " at " + i);
                }
            }
            TreeSet<String> classes = new TreeSet<>();
            TreeSet<String> methods = new TreeSet<>();
            for (int i = 1; i < count; i++) {
                if (classIndex[i] != 0) {
                    classes.add(utf8[classIndex[i]]);
                }
                if (refs[i] != null) {
                    methods.add(utf8[classIndex[refs[i][0]]] + "." + utf8[nameAndTypeName[refs[i][1]]]);
                }
            }
            return new ClassFile(name, classes, methods);
        }

        List<String> violations() {
            List<String> out = new ArrayList<>();
            for (String c : classes) {
                String bare = c.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
                for (String f : FORBIDDEN_CLASSES) {
                    if (f.endsWith("/") ? bare.startsWith(f) : bare.equals(f)) {
                        out.add(name + " uses " + bare);
                    }
                }
            }
            for (String m : methods) {
                if (FORBIDDEN_METHODS.contains(m)) {
                    out.add(name + " calls " + m);
                }
            }
            return out;
        }
    }
}

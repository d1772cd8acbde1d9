package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LinkInfo;

/** A session's pinned links as `gew session show` lists them: bpf_link_info of each, by its pin. */
final class LinkViews {
    private LinkViews() {
    }

    private static final java.util.regex.Pattern ATTACH_TYPE = java.util.regex.Pattern.compile("attach type (\\d+)");

    /** "attach type 10" becomes "attach type cgroup_inet4_connect", named by the kernel's BTF. */
    static String attachTypeNames(String target) {
        java.util.regex.Matcher m = ATTACH_TYPE.matcher(target);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "attach type "
                    + dev.gewyvern.syscall.KernelTypes.nameOf("bpf_attach_type", "BPF_", Long.parseLong(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static List<SessionView.LinkView> of(Path folder, List<String> names) {
        List<SessionView.LinkView> out = new ArrayList<>();
        for (String name : names) {
            try (Fd fd = Bpf.get(folder.resolve(name).toString(), "link")) {
                LinkInfo i = Bpf.linkInfo(fd);
                String type = dev.gewyvern.syscall.KernelTypes.nameOf("bpf_link_type", "BPF_LINK_TYPE_", i.type());
                out.add(new SessionView.LinkView(name, type, i.id(), i.progId(), attachTypeNames(i.target(type))));
            }
        }
        return out;
    }
}

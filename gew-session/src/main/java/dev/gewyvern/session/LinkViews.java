package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.elf.uapi.LinkType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.LinkInfo;
import dev.gewyvern.syscall.kernel.KernelTypes;

/** A session's pinned links as `gew session show` lists them: bpf_link_info of each, by its pin. */
final class LinkViews {
    private LinkViews() {
    }

    static List<SessionView.LinkView> of(Path folder, List<String> names) {
        List<SessionView.LinkView> out = new ArrayList<>();
        for (String name : names) {
            try (Fd fd = Bpf.get(folder.resolve(name).toString(), "link")) {
                LinkInfo i = Bpf.linkInfo(fd);
                String type = KernelTypes.text(LinkType.class, Integer.toUnsignedLong(i.type()));
                out.add(new SessionView.LinkView(name, type, i.id(), i.progId(), i.target()));
            }
        }
        return out;
    }
}

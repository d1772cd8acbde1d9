package dev.gewyvern.elf;

/** Gives the file descriptor of a created map, by map name (or data section name for global data). */
@FunctionalInterface
public interface MapFdResolver {
    int fd(String map);
}

package dev.gewyvern.cli;

/** A key or value given on the command line: JSON typed by the map's BTF, or hex:… bytes. */
final class MapData {
    private MapData() {
    }

    static dev.gewyvern.proto.v1.MapData json(String text) {
        return dev.gewyvern.proto.v1.MapData.newBuilder().setJson(text).build();
    }
}

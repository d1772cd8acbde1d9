// SPDX-License-Identifier: MIT
// The baseline of bench/startup.sh: the cheapest start-up a JVM program can have.
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, World!");
    }
}

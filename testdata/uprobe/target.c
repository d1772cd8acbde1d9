// SPDX-License-Identifier: MIT
/*
 * A host program of ours for uprobe tests: calls gew_uprobe_target() and gew_uprobe_other() argv[1]
 * times each. Tests compile it
 * (clang-19 -O1 -g0) into a temporary folder and resolve the symbol in the result with ElfSymbolTable.
 */
#include <stdlib.h>

__attribute__((noinline)) int gew_uprobe_target(int i)
{
	__asm__ volatile("" ::: "memory");
	return i + 1;
}

__attribute__((noinline)) int gew_uprobe_other(int i)
{
	__asm__ volatile("" ::: "memory");
	return i;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int sum = 0;

	for (int i = 0; i < n; i++)
		sum += gew_uprobe_target(i) + gew_uprobe_other(i);
	return sum == 0 ? 1 : 0;
}

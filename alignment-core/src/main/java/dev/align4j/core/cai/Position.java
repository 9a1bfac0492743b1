package dev.align4j.core.cai;

/** A place in a source file, both 1-based as editors count them. */
record Position(int line, int column) {}

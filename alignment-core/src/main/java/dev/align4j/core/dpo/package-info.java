/** Direct Preference Optimisation and its loss family (and, later, its trainer). */
package dev.align4j.core.dpo;

/**
 * LoRA adapters (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") in the files PEFT reads and
 * writes: {@link dev.align4j.core.lora.LoraConfig} with PEFT's defaults, target modules matched by PEFT's rules, the
 * low-rank branch {@code y = W x + scale · B A dropout(x)} beside frozen base weights, switching it off (the
 * reference policy without a second copy), merging it into plain weights, and {@code adapter_config.json} with
 * {@code adapter_model.safetensors} under PEFT's tensor names.
 */
package dev.align4j.core.lora;

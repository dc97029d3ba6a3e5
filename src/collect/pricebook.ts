// The bundled price book: us-east-1 Fargate rates and EC2 On-Demand Linux prices, for offline use and as
// the fallback when the Pricing API is out of reach. Every report says which prices it used.
import { readFileSync } from "node:fs";
import { deepFreeze } from "../freeze.js";
import type { Prices } from "../model/snapshot.js";
import { assetPath } from "./assets.js";

export const BUNDLED_PRICES_REGION = "us-east-1";
export const BUNDLED_PRICES_AS_OF = "2026-07-20";

interface FargateFile {
  on_demand: {
    linux_x86: { per_vcpu_hour: number; per_gb_hour: number };
    linux_arm64: { per_vcpu_hour: number; per_gb_hour: number };
    windows_x86: { per_vcpu_hour: number; per_gb_hour: number; os_license_per_vcpu_hour: number };
    ephemeral_storage_per_gb_hour_above_20gb: number;
  };
}

/** Parse the EC2 instance table (header row; instance_type, vcpu, memory_mib, arch, …, price last). */
export function parseEc2Csv(text: string): Prices["ec2"] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0]?.split(",") ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`price book: column ${name} missing`);
    return i;
  };
  const iType = col("instance_type");
  const iVcpu = col("vcpu");
  const iMem = col("memory_mib");
  const iArch = col("arch");
  const iPrice = col("ondemand_linux_usd_per_hour_us_east_1");
  const out: Prices["ec2"] = {};
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const hourly = Number(f[iPrice]);
    const vcpu = Number(f[iVcpu]);
    const memoryMiB = Number(f[iMem]);
    if (!f[iType] || f[iPrice] === "" || !Number.isFinite(hourly) || !(vcpu > 0) || !(memoryMiB > 0)) continue;
    out[f[iType]!] = { hourly, vcpu, memoryMiB, arch: f[iArch] === "arm64" ? "arm64" : "x86_64" };
  }
  return out;
}

let cached: Prices | undefined;

/** The bundled us-east-1 price book, read once per process (and frozen: every reader shares it). */
export function bundledPrices(): Prices {
  if (cached) return cached;
  const fargate = JSON.parse(readFileSync(assetPath("assets", "prices", "fargate_prices_us-east-1.json"), "utf8")) as FargateFile;
  const ec2 = parseEc2Csv(readFileSync(assetPath("assets", "prices", "ec2_instance_types_us-east-1.csv"), "utf8"));
  const od = fargate.on_demand;
  cached = deepFreeze<Prices>({
    currency: "USD",
    region: BUNDLED_PRICES_REGION,
    source:
      "bundled price book: Fargate us-east-1 On-Demand (AWS Price List; rates unchanged 2022-11 to 2026-09), EC2 On-Demand Linux us-east-1 (aws/karpenter-provider-aws tables)",
    asOf: BUNDLED_PRICES_AS_OF,
    fargate: {
      linuxX86: { vcpuHour: od.linux_x86.per_vcpu_hour, gbHour: od.linux_x86.per_gb_hour },
      linuxArm64: { vcpuHour: od.linux_arm64.per_vcpu_hour, gbHour: od.linux_arm64.per_gb_hour },
      windowsX86: {
        vcpuHour: od.windows_x86.per_vcpu_hour,
        gbHour: od.windows_x86.per_gb_hour,
        osLicenseVcpuHour: od.windows_x86.os_license_per_vcpu_hour,
      },
      ephemeralGbHour: od.ephemeral_storage_per_gb_hour_above_20gb,
    },
    ec2,
  });
  return cached;
}

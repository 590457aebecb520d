/**
 * The event transforms a run or evaluation recorded in its provenance options (cli/event-transforms.ts:
 * sensorSize, crop, downsample, spatialFactor, polarity as strings) in words, for the tables a paper quotes:
 * "cropped to 32x32 at (1, 1), downsampled by 4x4, polarity 1 only" ("" when none was given).
 */
export function eventTransformText(o: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof o.sensorSize === "string") {
    const [w, h] = o.sensorSize.split(",");
    parts.push(`from a ${w}x${h} sensor`);
  }
  if (typeof o.crop === "string") {
    const [x, y, w, h] = o.crop.split(",");
    parts.push(`cropped to ${w}x${h} at (${x}, ${y})`);
  }
  if (typeof o.downsample === "string") parts.push(`downsampled by ${o.downsample.replace(",", "x")}`);
  if (typeof o.spatialFactor === "string") {
    const [fx, fy] = o.spatialFactor.split(",");
    parts.push(fx === fy ? `coordinates scaled by ${fx}` : `coordinates scaled by ${fx} (x) and ${fy} (y)`);
  }
  if (o.polarity === "merge") parts.push("polarities merged");
  else if (typeof o.polarity === "string") parts.push(`polarity ${o.polarity} only`);
  if (typeof o.timeBins === "number") parts.push(`in ${o.timeBins} equal time bins`);
  if (typeof o.eventCount === "number") parts.push(`in ticks of ${o.eventCount} events`);
  if (typeof o.eventBins === "number") parts.push(`in ${o.eventBins} bins of equal event counts`);
  if (typeof o.eventOverlap === "number") parts.push(`neighbouring ticks overlapping by ${o.eventOverlap}${typeof o.eventCount === "number" ? " events" : typeof o.timeBins === "number" || typeof o.eventBins === "number" ? " of a bin" : " us"} (tonic's overlap)`);
  if (o.tickOrigin === "first-event") parts.push("ticks counted from the first event");
  if (o.inputCounts === true) parts.push("each delivered as a spike (--input-counts)");
  return parts.join(", ");
}

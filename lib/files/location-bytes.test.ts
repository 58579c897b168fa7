import { test } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { exifWithLocation, holdsTestLocation, jpegWithLocation } from "@/lib/testing/images";
import { gpsFreeTiff, jpegWithoutLocation } from "./location-bytes";

test("a JPEG's GPS block is emptied where it lies; orientation and pixels stay; XMP naming a place is dropped", async () => {
  const plain = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3a6" } }).jpeg().toBuffer();
  const photo = jpegWithLocation(plain);
  assert.ok(holdsTestLocation(photo));
  assert.equal((await sharp(photo).metadata()).orientation, 6, "the test photo is read as a phone's");
  const edited = jpegWithoutLocation(photo)!;
  assert.ok(edited, "a location was found");
  const out = Buffer.concat([edited.head, photo.subarray(edited.consumed)]);
  assert.ok(!holdsTestLocation(out), "no trace of the position");
  assert.equal(out.length, photo.length, "nothing re-encoded: the same length");
  assert.equal((await sharp(out).metadata()).orientation, 6, "the orientation stays");
  assert.deepEqual(await sharp(out).raw().toBuffer(), await sharp(photo).raw().toBuffer(), "the same pixels");
  assert.equal(jpegWithoutLocation(out), null, "nothing left to take out");
  assert.equal(jpegWithoutLocation(plain), null, "a photo without a position is left alone");

  const xmp = Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude="51,30.0N"/></x:xmpmeta>`, "latin1");
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(xmp.length + 2, 2);
  const withXmp = Buffer.concat([plain.subarray(0, 2), segment, xmp, plain.subarray(2)]);
  const noXmp = jpegWithoutLocation(withXmp)!;
  const result = Buffer.concat([noXmp.head, withXmp.subarray(noXmp.consumed)]);
  assert.ok(!result.toString("latin1").includes("GPSLatitude"));
  assert.equal((await sharp(result).metadata()).width, 40);
});

test("malformed EXIF is left alone, never read past its end", () => {
  const body = exifWithLocation().subarray(6);
  for (let cut = 0; cut < body.length; cut += 7) assert.doesNotThrow(() => gpsFreeTiff(Buffer.from(body.subarray(0, cut))));
  const wild = Buffer.from(body);
  wild.writeUInt32LE(0xfffffff0, 4);
  assert.equal(gpsFreeTiff(wild), false);
  assert.equal(jpegWithoutLocation(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0])), null);
});

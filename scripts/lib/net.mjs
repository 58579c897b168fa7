// One TCP probe for the scripts: memcached and the embedded PostgreSQL's port (npm start, npm test), and the
// reference deployment's parts.
import net from "node:net";

/**
 * Does host:port accept a connection within a second and, when `expect` is given, answer (after `say`, if any)
 * with something that starts with it?
 * @param {string} host @param {number} port @param {{ say?: string | null, expect?: string | null }} [options]
 * @returns {Promise<boolean>}
 */
export function tcpAnswers(host, port, { say = null, expect = null } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => {
      if (say) socket.write(say);
      else if (!expect) done(true);
    });
    socket.on("data", (d) => done(!expect || d.toString().startsWith(expect)));
  });
}

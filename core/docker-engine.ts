// The one Docker engine client (dockerode) the build and the docker backend share.
import Docker from 'dockerode';

let client: Docker | undefined;
export function docker(): Docker {
  return (client ??= new Docker());
}

/** True when an engine answers within `timeoutMs`. */
export async function dockerAvailable(timeoutMs = 3000): Promise<boolean> {
  try {
    await Promise.race([
      docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

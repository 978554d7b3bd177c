/**
 * The image .ci/setup-peers.sh builds from Debian packages (debootstrap, then
 * docker import) where no registry is reachable; it holds all eight peers.
 * The tag's number changes with the image's package list (the script and this
 * constant agree: images.test.ts).
 */
export const LOCAL_PEER_IMAGE = 'proxyspec/peers:bookworm-4'

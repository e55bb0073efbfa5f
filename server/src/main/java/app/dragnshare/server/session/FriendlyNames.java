package app.dragnshare.server.session;

import java.security.SecureRandom;
import java.util.List;

/** Two-word names ("Amber Otter") that people can say aloud, for sessions and members. */
public final class FriendlyNames {
    private static final List<String> ADJECTIVES = List.of(
            "Amber", "Azure", "Bold", "Brave", "Bright", "Brisk", "Calm", "Clever", "Cosmic", "Crimson",
            "Curious", "Daring", "Dusky", "Eager", "Emerald", "Fancy", "Gentle", "Golden", "Happy", "Hidden",
            "Indigo", "Jolly", "Keen", "Kind", "Lively", "Lucky", "Lunar", "Merry", "Misty", "Mellow",
            "Nimble", "Noble", "Olive", "Polar", "Proud", "Quick", "Quiet", "Rapid", "Rosy", "Rustic",
            "Scarlet", "Silver", "Sleepy", "Smooth", "Snowy", "Solar", "Spry", "Steady", "Sunny", "Swift",
            "Teal", "Tidy", "Velvet", "Vivid", "Warm", "Wild", "Windy", "Witty", "Young", "Zesty");
    private static final List<String> NOUNS = List.of(
            "Badger", "Bear", "Beaver", "Bison", "Crane", "Dolphin", "Eagle", "Falcon", "Ferret", "Finch",
            "Fox", "Gecko", "Heron", "Ibis", "Jaguar", "Koala", "Lark", "Lemur", "Lion", "Lynx",
            "Marten", "Meerkat", "Moose", "Newt", "Ocelot", "Orca", "Otter", "Owl", "Panda", "Panther",
            "Pelican", "Penguin", "Puffin", "Quail", "Rabbit", "Raven", "Robin", "Salmon", "Seal", "Sparrow",
            "Squid", "Stork", "Swan", "Tapir", "Tiger", "Toucan", "Turtle", "Walrus", "Whale", "Wolf",
            "Wombat", "Wren", "Yak", "Zebra", "Comet", "Maple", "Cedar", "River", "Meadow", "Harbor");

    private final SecureRandom random = new SecureRandom();

    public String next() {
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + " " + NOUNS.get(random.nextInt(NOUNS.size()));
    }
}

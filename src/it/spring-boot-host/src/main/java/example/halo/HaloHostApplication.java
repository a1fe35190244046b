package example.halo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot application whose Camel routes read Halo events through the halo-events-source Kamelet. */
@SpringBootApplication
public class HaloHostApplication {
    public static void main(String[] args) {
        SpringApplication.run(HaloHostApplication.class, args);
    }
}
